//! Request signing: ACS3-HMAC-SHA256 (V3, default) and the older RPC HMAC-SHA1 (V2, opt-in).
//! Pure functions: clock and nonce are inputs. (Skeleton contract; filled in by the signer work.)
