export type CardBrand =
  'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'unknown';

export type CardInput = { number: string; exp_month: number; exp_year: number; cvc?: string };

export type CardValidationError = {
  param: string;
  code:
    | 'incorrect_number'
    | 'invalid_number'
    | 'invalid_expiry_month'
    | 'invalid_expiry_year'
    | 'invalid_cvc'
    | 'expired_card';
  message: string;
};

/** Card numbers may be 12 to 19 digits (ISO/IEC 7812); brands narrow this further. */
const PAN_LENGTHS: Record<CardBrand, readonly number[]> = {
  visa: [13, 16, 19],
  mastercard: [16],
  amex: [15],
  discover: [16, 17, 18, 19],
  diners: [14, 15, 16, 17, 18, 19],
  jcb: [16, 17, 18, 19],
  unionpay: [16, 17, 18, 19],
  unknown: [12, 13, 14, 15, 16, 17, 18, 19],
};

/** Expiry years further ahead than this are treated as typing errors. */
const MAX_YEARS_AHEAD = 50;

/** Brand from the issuer identification number (leading digits). Anything that is not all digits is 'unknown'. */
export function detectBrand(pan: string): CardBrand {
  if (!/^\d{2,19}$/.test(pan)) return 'unknown';
  const p2 = Number(pan.slice(0, 2));
  const p3 = Number(pan.slice(0, 3));
  const p4 = Number(pan.slice(0, 4));
  if (p2 === 34 || p2 === 37) return 'amex';
  if (pan.startsWith('4')) return 'visa';
  if ((p2 >= 51 && p2 <= 55) || (pan.length >= 4 && p4 >= 2221 && p4 <= 2720)) return 'mastercard';
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65) return 'discover';
  if (p2 === 62 || p2 === 81) return 'unionpay';
  if (pan.length >= 4 && p4 >= 3528 && p4 <= 3589) return 'jcb';
  if ((p3 >= 300 && p3 <= 305) || p3 === 309 || p2 === 36 || p2 === 38 || p2 === 39) return 'diners';
  return 'unknown';
}

/** Luhn (mod 10) check over a string of digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Removes the spaces and hyphens people type inside card numbers; validateCard expects digits only. */
export function normalizeCardNumber(number: string): string {
  return number.replace(/[\s-]/g, '');
}

/**
 * Validates a card as Stripe does on PaymentMethod creation. Returns the first problem found
 * (number, then expiry, then CVC) or null. Messages never echo the number or the CVC.
 * `exp_year` may be two digits (27 = 2027). A card is valid through the last day of its expiry month (UTC).
 */
export function validateCard(card: CardInput, now: Date = new Date()): CardValidationError | null {
  const number = card.number;
  if (typeof number !== 'string' || !/^\d+$/.test(number)) {
    return invalid('card[number]', 'invalid_number', 'Your card number is not a valid credit card number.');
  }
  const brand = detectBrand(number);
  if (!PAN_LENGTHS[brand].includes(number.length)) {
    return invalid('card[number]', 'invalid_number', 'Your card number is not a valid credit card number.');
  }
  if (!luhnValid(number)) {
    return invalid('card[number]', 'incorrect_number', 'Your card number is incorrect.');
  }

  const month = card.exp_month;
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    return invalid('card[exp_month]', 'invalid_expiry_month', "Your card's expiration month is invalid.");
  }
  const nowYear = now.getUTCFullYear();
  const year = fullExpiryYear(card.exp_year);
  if (year === undefined || year > nowYear + MAX_YEARS_AHEAD) {
    return invalid('card[exp_year]', 'invalid_expiry_year', "Your card's expiration year is invalid.");
  }
  if (year < nowYear) {
    return invalid('card[exp_year]', 'expired_card', 'Your card has expired.');
  }
  if (year === nowYear && month < now.getUTCMonth() + 1) {
    return invalid('card[exp_month]', 'expired_card', 'Your card has expired.');
  }

  if (card.cvc !== undefined) {
    const expected = brand === 'amex' ? 4 : 3;
    if (typeof card.cvc !== 'string' || !/^\d+$/.test(card.cvc) || card.cvc.length !== expected) {
      return invalid('card[cvc]', 'invalid_cvc', "Your card's security code is invalid.");
    }
  }
  return null;
}

/** 2-digit years mean 20xx, as card faces print them; anything else must be a 4-digit year. */
export function fullExpiryYear(year: number): number | undefined {
  if (!Number.isInteger(year) || year < 0) return undefined;
  if (year < 100) return 2000 + year;
  if (year < 1000 || year > 9999) return undefined;
  return year;
}

function invalid(param: string, code: CardValidationError['code'], message: string): CardValidationError {
  return { param, code, message };
}
