// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API at load time.
// Every module of this package imports the library through this file, so consumers never see that detail.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
