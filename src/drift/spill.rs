//! The replies a recording keeps until it is redacted and written. Redaction needs every value
//! of every reply first, so all of them are kept to the end; a reply of a mebibyte or more (or
//! one past 16 MiB kept in all) is kept in an unnamed temporary file instead of in memory, so a
//! server answering every endpoint with 8 MiB cannot make the run hold them all at once. What
//! goes to that file is encrypted (AES-128-CBC) under a key drawn for this run and held only in
//! its memory: nothing unredacted ever reaches the disk readable, and the file has no name and
//! is gone when the run ends, however it ends.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use zeroize::Zeroizing;

/// A reply at least this large goes to the file.
const LARGE: usize = 1 << 20;
/// Past this much kept in memory, every reply goes to the file.
const IN_MEMORY: usize = 16 << 20;

/// One reply's body, kept.
pub(super) enum Kept {
    Memory(Vec<u8>),
    Spilled {
        file: File,
        iv: [u8; 16],
        len: usize,
    },
}

/// Where the recorder keeps bodies: its key (none when the system gave no randomness: then
/// every body stays in memory), and how much it holds in memory.
pub(super) struct Keeper {
    key: Option<Zeroizing<[u8; 16]>>,
    in_memory: usize,
}

impl Default for Keeper {
    fn default() -> Keeper {
        let mut key = Zeroizing::new([0u8; 16]);
        let key = getrandom::fill(key.as_mut()).ok().map(|()| key);
        Keeper { key, in_memory: 0 }
    }
}

impl Keeper {
    /// Keeps a body: in memory when small, else encrypted in a temporary file (in memory after
    /// all when no such file can be made: the run then holds it, as it always did).
    pub(super) fn keep(&mut self, body: &[u8]) -> Kept {
        if body.len() < LARGE && self.in_memory + body.len() <= IN_MEMORY {
            self.in_memory += body.len();
            return Kept::Memory(body.to_vec());
        }
        match self.spill(body) {
            Ok(kept) => kept,
            Err(_) => {
                self.in_memory += body.len();
                Kept::Memory(body.to_vec())
            }
        }
    }

    /// Sealed a block at a time, through a small buffer: no second copy of the reply is made.
    fn spill(&self, body: &[u8]) -> io::Result<Kept> {
        let key = self
            .key
            .as_ref()
            .ok_or_else(|| io::Error::other("no key"))?;
        let mut iv = [0u8; 16];
        getrandom::fill(&mut iv).map_err(|_| io::Error::other("no randomness"))?;
        let mut seal = cbc::Encryptor::<aes::Aes128>::new((&**key).into(), (&iv).into());
        let file = tempfile::tempfile()?;
        let mut w = io::BufWriter::with_capacity(64 << 10, file);
        let mut blocks = body.chunks_exact(16);
        for chunk in &mut blocks {
            let mut block = aes::Block::try_from(chunk).expect("16 bytes");
            seal.encrypt_block(&mut block);
            w.write_all(&block)?;
        }
        // PKCS#7: the last block is filled with the count of bytes it was short by.
        let rest = blocks.remainder();
        let mut last = [(16 - rest.len()) as u8; 16];
        last[..rest.len()].copy_from_slice(rest);
        let mut block = aes::Block::from(last);
        seal.encrypt_block(&mut block);
        w.write_all(&block)?;
        let file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
        Ok(Kept::Spilled {
            file,
            iv,
            len: body.len(),
        })
    }

    /// The body as it came.
    pub(super) fn read<'k>(&self, kept: &'k Kept) -> io::Result<std::borrow::Cow<'k, [u8]>> {
        match kept {
            Kept::Memory(body) => Ok(std::borrow::Cow::Borrowed(body)),
            Kept::Spilled { file, iv, len } => {
                let mut file = file;
                let mut sealed = Vec::with_capacity(len + 16);
                file.seek(SeekFrom::Start(0))?;
                file.read_to_end(&mut sealed)?;
                let key = self
                    .key
                    .as_ref()
                    .ok_or_else(|| io::Error::other("no key"))?;
                let plain = cbc::Decryptor::<aes::Aes128>::new((&**key).into(), iv.into())
                    .decrypt_padded::<Pkcs7>(&mut sealed)
                    .map_err(|_| io::Error::other("a kept reply could not be read back"))?
                    .len();
                sealed.truncate(plain);
                Ok(std::borrow::Cow::Owned(sealed))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_reply_is_kept_sealed_and_read_back_whole() {
        let mut keeper = Keeper::default();
        let small = b"{\"a\": 1}".to_vec();
        let large: Vec<u8> = (0..(LARGE + 5)).map(|i| (i % 251) as u8).collect();
        let kept_small = keeper.keep(&small);
        let kept_large = keeper.keep(&large);
        assert!(matches!(kept_small, Kept::Memory(_)));
        let Kept::Spilled { file, .. } = &kept_large else {
            panic!("a large reply goes to the file");
        };
        let mut on_disk = Vec::new();
        let mut f = file;
        f.seek(SeekFrom::Start(0)).unwrap();
        f.read_to_end(&mut on_disk).unwrap();
        assert!(on_disk.len() >= large.len());
        assert!(
            !on_disk.windows(64).any(|w| w == &large[1000..1064]),
            "what is on disk is not the reply"
        );
        assert_eq!(&*keeper.read(&kept_small).unwrap(), &small[..]);
        assert_eq!(&*keeper.read(&kept_large).unwrap(), &large[..]);
        assert_eq!(
            &*keeper.read(&kept_large).unwrap(),
            &large[..],
            "read twice"
        );
        // Past 16 MiB held in memory, a small reply goes to the file too.
        let mut keeper = Keeper::default();
        let almost = vec![1u8; LARGE - 1];
        for _ in 0..(IN_MEMORY / (LARGE - 1)) {
            assert!(matches!(keeper.keep(&almost), Kept::Memory(_)));
        }
        let over = keeper.keep(&almost);
        assert!(matches!(over, Kept::Spilled { .. }));
        assert_eq!(&*keeper.read(&over).unwrap(), &almost[..]);
        // Every length's padding, the empty reply's too, reads back as it went in.
        for n in [0, 1, 15, 16, 17, 31, 32] {
            let body = vec![7u8; n];
            let kept = keeper.spill(&body).unwrap();
            assert_eq!(&*keeper.read(&kept).unwrap(), &body[..], "{n} bytes");
        }
    }
}
