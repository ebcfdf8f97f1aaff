//! Chromium's cookie encryption, as the browser writes it on Linux and macOS: a value is
//! `v10` or `v11` and AES-128-CBC ciphertext (IV of sixteen spaces, PKCS#7 padding) under a key
//! derived with PBKDF2-HMAC-SHA1 from a password and the salt `saltysalt`. `v10` on Linux uses
//! the fixed password `peanuts` (one round); `v11` the password the browser keeps in the Secret
//! Service; macOS the Keychain's "<Browser> Safe Storage" (1003 rounds). Since cookie database
//! version 24 the plaintext starts with the SHA-256 of the cookie's host, which is checked and
//! cut. `v20` is Windows' app-bound encryption, which only the browser's elevated service can
//! undo. The primitives are RustCrypto's.

use aes::cipher::{BlockModeDecrypt, KeyIvInit, block_padding::Pkcs7};
use sha2::Digest as _;
use zeroize::Zeroizing;

/// The password `v10` values use on Linux when no keyring holds one.
pub const V10_PASSWORD: &[u8] = b"peanuts";
const SALT: &[u8] = b"saltysalt";
/// PBKDF2 rounds: one on Linux, 1003 on macOS.
pub const LINUX_ROUNDS: u32 = 1;
pub const MACOS_ROUNDS: u32 = 1003;
const IV: [u8; 16] = [b' '; 16];

/// An AES-128 key.
pub type Key = Zeroizing<[u8; 16]>;

/// The key for a password.
pub fn key(password: &[u8], rounds: u32) -> Key {
    let mut out = Zeroizing::new([0u8; 16]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, SALT, rounds, &mut out[..]);
    out
}

/// Why a value could not be decrypted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Undecryptable {
    /// `v11` and no key from the keyring.
    NeedsKeyring,
    /// `v20`: Windows' app-bound encryption.
    AppBound,
    /// A prefix this version does not know.
    UnknownVersion,
    /// Padding or the host hash did not check out: the key is not this value's.
    WrongKey,
}

/// The keys a profile's values may need.
pub struct Keys {
    pub v10: Key,
    pub v11: Option<Key>,
}

/// Decrypts one `encrypted_value` of the `cookies` table. `host` is the row's `host_key`, whose
/// SHA-256 the plaintext starts with when `hashed` (database version 24 and later).
pub fn decrypt(
    encrypted: &[u8],
    keys: &Keys,
    host: &str,
    hashed: bool,
) -> Result<Zeroizing<Vec<u8>>, Undecryptable> {
    let (version, body) = encrypted.split_at(encrypted.len().min(3));
    let key = match version {
        b"v10" => &keys.v10,
        b"v11" => keys.v11.as_ref().ok_or(Undecryptable::NeedsKeyring)?,
        b"v20" => return Err(Undecryptable::AppBound),
        _ => return Err(Undecryptable::UnknownVersion),
    };
    if body.is_empty() || body.len() % 16 != 0 {
        return Err(Undecryptable::WrongKey);
    }
    let mut buf = Zeroizing::new(body.to_vec());
    let key_bytes: &[u8; 16] = key;
    let plain = cbc::Decryptor::<aes::Aes128>::new(key_bytes.into(), (&IV).into())
        .decrypt_padded::<Pkcs7>(&mut buf)
        .map_err(|_| Undecryptable::WrongKey)?;
    let plain = if hashed {
        let digest = sha2::Sha256::digest(host.as_bytes());
        match plain.split_at_checked(32) {
            Some((prefix, rest)) if prefix == digest.as_slice() => rest,
            _ => return Err(Undecryptable::WrongKey),
        }
    } else {
        plain
    };
    Ok(Zeroizing::new(plain.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// Vectors made with OpenSSL (`openssl enc -aes-128-cbc -K … -iv 2020…`) and Python's
    /// `hashlib.pbkdf2_hmac`, independently of this code.
    #[test]
    fn known_vectors() {
        assert_eq!(
            key(V10_PASSWORD, LINUX_ROUNDS)[..],
            unhex("fd621fe5a2b402539dfa147ca9272778")[..]
        );
        assert_eq!(
            key(V10_PASSWORD, MACOS_ROUNDS)[..],
            unhex("d9a09d499b4e1b7461f28e67972c6dbd")[..]
        );
        let v11 = key(b"c2VjcmV0LWtleS1mb3ItdGVzdHM=", LINUX_ROUNDS);
        assert_eq!(v11[..], unhex("196b2cdb6911283ecb3e6c9654922652")[..]);
        let keys = Keys {
            v10: key(V10_PASSWORD, LINUX_ROUNDS),
            v11: Some(v11),
        };
        // v10, no hash prefix (database version below 24).
        let mut v10 = b"v10".to_vec();
        v10.extend(unhex(
            "58c512baf81a1cd52d2cb525f7b5747f315c3bfa9f94b63c9461e93b1155c11a",
        ));
        assert_eq!(
            &decrypt(&v10, &keys, ".linkedin.com", false).unwrap()[..],
            b"AQEDsandbox-li_at-vector"
        );
        // v10 with the SHA-256 of the host in front (version 24 and later).
        let mut hashed = b"v10".to_vec();
        hashed.extend(unhex("8abaecb51abf4be24cfb650937bb7b298e4ca86b1404a91c6535861a08ca5679f86ec2a1e7695b8c193908e2dc75401415be98e5eb8061eda7b1a386d67c11c2"));
        assert_eq!(
            &decrypt(&hashed, &keys, ".linkedin.com", true).unwrap()[..],
            b"AQEDsandbox-li_at-vector"
        );
        // The same bytes under another host: the hash does not match.
        assert_eq!(
            decrypt(&hashed, &keys, ".evil.example", true),
            Err(Undecryptable::WrongKey)
        );
        // v11, with the keyring's password.
        let mut v11v = b"v11".to_vec();
        v11v.extend(unhex(
            "0421111f9590606d6caec3d7ad91355ad7cc5a0d6379c1a67b78dc726888ee86",
        ));
        assert_eq!(
            &decrypt(&v11v, &keys, ".linkedin.com", false).unwrap()[..],
            b"ajax:1234567890123456789"
        );
        let no_keyring = Keys {
            v10: key(V10_PASSWORD, LINUX_ROUNDS),
            v11: None,
        };
        assert_eq!(
            decrypt(&v11v, &no_keyring, ".linkedin.com", false),
            Err(Undecryptable::NeedsKeyring)
        );
        // A v11 value read with the v10 key is caught by its padding or its shape.
        let mut swapped = b"v10".to_vec();
        swapped.extend(&v11v[3..]);
        assert!(decrypt(&swapped, &keys, ".linkedin.com", true).is_err());
        assert_eq!(
            decrypt(b"v20abc", &keys, "x", false),
            Err(Undecryptable::AppBound)
        );
        assert_eq!(
            decrypt(b"v99abc", &keys, "x", false),
            Err(Undecryptable::UnknownVersion)
        );
        assert_eq!(
            decrypt(b"v10abc", &keys, "x", false),
            Err(Undecryptable::WrongKey)
        );
    }
}
