export {
  createKeyring,
  loadKeyring,
  CryptoError,
  type Keyring,
  type KeyringOptions,
} from './keyring.ts';
