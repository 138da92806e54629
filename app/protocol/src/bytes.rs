//! Byte buffers in messages as one block, not one byte at a time.
//!
//! serde sees a `Vec<u8>` as a sequence of numbers, so bincode (gloo-worker's codec between the
//! page and the worker) writes and reads a checkpoint one `u8` call per byte, on the page's main
//! thread for everything the worker sends. serde_bytes makes it one byte string, which bincode
//! lays out exactly as it laid out the sequence (a `u64` length, then the bytes) and JSON as the
//! same array of numbers: nothing sent or saved before reads differently. Fields that are a
//! `Vec<u8>` take `#[serde(with = "serde_bytes")]`; the lists of buffers below are what
//! serde_bytes does not cover.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_bytes::{ByteBuf, Bytes};

/// `Vec<Vec<u8>>`: images, frames.
pub mod list {
    use super::*;

    /// Each buffer as a byte string.
    pub fn serialize<S: Serializer>(buffers: &[Vec<u8>], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(buffers.iter().map(|b| Bytes::new(b)))
    }

    /// Each buffer read as one block.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Vec<u8>>, D::Error> {
        Ok(Vec::<ByteBuf>::deserialize(deserializer)?
            .into_iter()
            .map(ByteBuf::into_vec)
            .collect())
    }
}

/// `Result<Vec<Vec<u8>>, String>`: images drawn, or why not.
pub mod list_or_error {
    use super::*;

    /// [`list`]'s layout inside serde's `Result`.
    pub fn serialize<S: Serializer>(
        buffers: &Result<Vec<Vec<u8>>, String>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        buffers
            .as_ref()
            .map(|list| list.iter().map(|b| Bytes::new(b)).collect::<Vec<_>>())
            .serialize(serializer)
    }

    /// Each buffer read as one block.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Result<Vec<Vec<u8>>, String>, D::Error> {
        Ok(Result::<Vec<ByteBuf>, String>::deserialize(deserializer)?
            .map(|list| list.into_iter().map(ByteBuf::into_vec).collect()))
    }
}

/// `Vec<(String, Vec<u8>)>`: named files.
pub mod named {
    use super::*;

    /// Each file's bytes as a byte string.
    pub fn serialize<S: Serializer>(
        files: &[(String, Vec<u8>)],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(files.iter().map(|(name, b)| (name, Bytes::new(b))))
    }

    /// Each file's bytes read as one block.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<(String, Vec<u8>)>, D::Error> {
        Ok(Vec::<(String, ByteBuf)>::deserialize(deserializer)?
            .into_iter()
            .map(|(name, b)| (name, b.into_vec()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    /// The layout before: plain serde.
    #[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
    struct Plain {
        one: Vec<u8>,
        list: Vec<Vec<u8>>,
        drawn: Result<Vec<Vec<u8>>, String>,
        named: Vec<(String, Vec<u8>)>,
    }

    /// The same fields as byte strings.
    #[derive(Serialize, Deserialize, PartialEq, Debug, Clone)]
    struct Blocks {
        #[serde(with = "serde_bytes")]
        one: Vec<u8>,
        #[serde(with = "super::list")]
        list: Vec<Vec<u8>>,
        #[serde(with = "super::list_or_error")]
        drawn: Result<Vec<Vec<u8>>, String>,
        #[serde(with = "super::named")]
        named: Vec<(String, Vec<u8>)>,
    }

    fn both(drawn_ok: bool) -> (Plain, Blocks) {
        let bytes = |n: usize, seed: u8| {
            (0..n)
                .map(|i| (i as u8).wrapping_mul(31) ^ seed)
                .collect::<Vec<u8>>()
        };
        let drawn = if drawn_ok {
            Ok(vec![bytes(5, 1), vec![]])
        } else {
            Err("no device".to_string())
        };
        let plain = Plain {
            one: bytes(300, 7),
            list: vec![bytes(3, 2), vec![], bytes(260, 9)],
            drawn,
            named: vec![("a.png".into(), bytes(17, 3)), ("b".into(), vec![])],
        };
        let blocks = Blocks {
            one: plain.one.clone(),
            list: plain.list.clone(),
            drawn: plain.drawn.clone(),
            named: plain.named.clone(),
        };
        (plain, blocks)
    }

    /// bincode (the codec) and JSON (project files) write `Blocks` as they wrote `Plain`, and
    /// read that back, for both arms of the `Result`.
    #[test]
    fn bincode_and_json_lay_the_blocks_out_as_they_laid_out_the_sequences() {
        for drawn_ok in [true, false] {
            let (plain, blocks) = both(drawn_ok);
            let old = bincode::serialize(&plain).unwrap();
            assert_eq!(bincode::serialize(&blocks).unwrap(), old);
            assert_eq!(bincode::deserialize::<Blocks>(&old).unwrap(), blocks);
            let old = serde_json::to_string(&plain).unwrap();
            assert_eq!(serde_json::to_string(&blocks).unwrap(), old);
            assert_eq!(serde_json::from_str::<Blocks>(&old).unwrap(), blocks);
        }
    }

    /// The messages' buffers are byte strings (the layout tests above pass without the
    /// attributes too: this one does not).
    #[test]
    fn the_messages_send_their_buffers_as_byte_strings() {
        use crate::{Request, Response};
        use serde_test::{Token, assert_ser_tokens};
        let snapshot = Response::Snapshot {
            step: 3,
            bytes: vec![1, 2, 3],
        };
        assert_ser_tokens(
            &snapshot,
            &[
                Token::StructVariant {
                    name: "Response",
                    variant: "Snapshot",
                    len: 2,
                },
                Token::Str("step"),
                Token::U64(3),
                Token::Str("bytes"),
                Token::Bytes(&[1, 2, 3]),
                Token::StructVariantEnd,
            ],
        );
        let files = Request::AddFiles(vec![("a.png".into(), vec![9])]);
        assert_ser_tokens(
            &files,
            &[
                Token::NewtypeVariant {
                    name: "Request",
                    variant: "AddFiles",
                },
                Token::Seq { len: Some(1) },
                Token::Tuple { len: 2 },
                Token::Str("a.png"),
                Token::Bytes(&[9]),
                Token::TupleEnd,
                Token::SeqEnd,
            ],
        );
    }
}
