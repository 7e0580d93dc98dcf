//! The wire format between model machines: length-delimited binary frames.
//!
//! Every frame is a 2-byte big-endian length followed by a body of at most [`MAX_FRAME`] bytes:
//!
//! | offset | size | field                                        |
//! |--------|------|----------------------------------------------|
//! | 0      | 1    | version ([`WIRE_VERSION`])                   |
//! | 1      | 1    | kind: 1 = hello, 2 = clock                   |
//! | 2      | 4    | sender machine id, u32 big-endian            |
//! | hello: |      |                                              |
//! | 6      | 4    | receiver machine id, u32 big-endian          |
//! | 10     | 16   | run secret, u128 big-endian                  |
//! | clock: |      |                                              |
//! | 6      | 8    | Lamport timestamp, u64 big-endian            |
//!
//! A connection's first frame must be a hello naming this run (its secret) and this receiver;
//! every later frame is a clock message. A later version can add a vector clock after the
//! timestamp; a decoder refuses versions it does not know.

use bytes::{Buf, BufMut, BytesMut};
use tokio_util::codec::{Decoder, Encoder, LengthDelimitedCodec};

/// Version byte of every frame.
pub const WIRE_VERSION: u8 = 1;
/// Largest frame body accepted, in bytes.
pub const MAX_FRAME: usize = 64;

const KIND_HELLO: u8 = 1;
const KIND_CLOCK: u8 = 2;
const HELLO_LEN: usize = 26;
const CLOCK_LEN: usize = 14;

/// A decoded frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    /// The first frame on a connection: who is calling whom, in which run.
    Hello { from: u32, to: u32, secret: u128 },
    /// A model message carrying the sender's Lamport timestamp.
    Clock { from: u32, lamport: u64 },
}

/// Why a frame could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("unsupported wire version {0} (this build speaks {WIRE_VERSION})")]
    Version(u8),
    #[error("unknown message kind {0}")]
    Kind(u8),
    #[error("frame of kind {kind} has {len} bytes, expected {expected}")]
    Length {
        kind: u8,
        len: usize,
        expected: usize,
    },
    #[error("frame too short ({0} bytes)")]
    Short(usize),
    /// Oversize length prefixes and socket errors.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Codec for [`Message`] frames, for use with `tokio_util::codec::Framed`.
#[derive(Debug)]
pub struct MessageCodec {
    frames: LengthDelimitedCodec,
}

impl Default for MessageCodec {
    fn default() -> Self {
        MessageCodec {
            frames: LengthDelimitedCodec::builder()
                .length_field_length(2)
                .max_frame_length(MAX_FRAME)
                .new_codec(),
        }
    }
}

impl Decoder for MessageCodec {
    type Item = Message;
    type Error = WireError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Message>, WireError> {
        let Some(mut body) = self.frames.decode(src)? else {
            return Ok(None);
        };
        if body.len() < 6 {
            return Err(WireError::Short(body.len()));
        }
        let version = body.get_u8();
        if version != WIRE_VERSION {
            return Err(WireError::Version(version));
        }
        let kind = body.get_u8();
        let expected = match kind {
            KIND_HELLO => HELLO_LEN,
            KIND_CLOCK => CLOCK_LEN,
            other => return Err(WireError::Kind(other)),
        };
        if body.len() + 2 != expected {
            return Err(WireError::Length {
                kind,
                len: body.len() + 2,
                expected,
            });
        }
        let from = body.get_u32();
        Ok(Some(match kind {
            KIND_HELLO => Message::Hello {
                from,
                to: body.get_u32(),
                secret: body.get_u128(),
            },
            _ => Message::Clock {
                from,
                lamport: body.get_u64(),
            },
        }))
    }
}

impl Encoder<Message> for MessageCodec {
    type Error = WireError;

    fn encode(&mut self, msg: Message, dst: &mut BytesMut) -> Result<(), WireError> {
        let mut body = BytesMut::with_capacity(HELLO_LEN);
        body.put_u8(WIRE_VERSION);
        match msg {
            Message::Hello { from, to, secret } => {
                body.put_u8(KIND_HELLO);
                body.put_u32(from);
                body.put_u32(to);
                body.put_u128(secret);
            }
            Message::Clock { from, lamport } => {
                body.put_u8(KIND_CLOCK);
                body.put_u32(from);
                body.put_u64(lamport);
            }
        }
        self.frames.encode(body.freeze(), dst)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn encode(msg: Message) -> BytesMut {
        let mut buf = BytesMut::new();
        MessageCodec::default().encode(msg, &mut buf).unwrap();
        buf
    }

    #[test]
    fn a_clock_frame_is_laid_out_byte_by_byte() {
        let buf = encode(Message::Clock {
            from: 2,
            lamport: 0x0102,
        });
        assert_eq!(
            &buf[..],
            &[0, 14, 1, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1, 2][..]
        );
    }

    #[test]
    fn a_partial_frame_waits_for_more_bytes() {
        let full = encode(Message::Clock {
            from: 1,
            lamport: 99,
        });
        for cut in 0..full.len() {
            let mut part = BytesMut::from(&full[..cut]);
            let mut codec = MessageCodec::default();
            assert!(codec.decode(&mut part).unwrap().is_none(), "cut at {cut}");
            part.extend_from_slice(&full[cut..]);
            assert_eq!(
                codec.decode(&mut part).unwrap(),
                Some(Message::Clock {
                    from: 1,
                    lamport: 99
                })
            );
        }
    }

    #[test]
    fn an_oversize_length_prefix_is_an_error() {
        let mut buf = BytesMut::from(&[0xff, 0xff, 1, 2][..]);
        let err = MessageCodec::default().decode(&mut buf).unwrap_err();
        assert!(matches!(err, WireError::Io(_)), "{err}");
    }

    #[test]
    fn unknown_versions_and_kinds_are_errors() {
        let mut buf = BytesMut::from(&[0, 6, 9, 2, 0, 0, 0, 0][..]);
        assert!(matches!(
            MessageCodec::default().decode(&mut buf),
            Err(WireError::Version(9))
        ));
        let mut buf = BytesMut::from(&[0, 6, 1, 7, 0, 0, 0, 0][..]);
        assert!(matches!(
            MessageCodec::default().decode(&mut buf),
            Err(WireError::Kind(7))
        ));
        let mut buf = BytesMut::from(&[0, 7, 1, 2, 0, 0, 0, 0, 5][..]);
        assert!(matches!(
            MessageCodec::default().decode(&mut buf),
            Err(WireError::Length { .. })
        ));
    }

    fn any_message() -> impl Strategy<Value = Message> {
        prop_oneof![
            (any::<u32>(), any::<u32>(), any::<u128>())
                .prop_map(|(from, to, secret)| Message::Hello { from, to, secret }),
            (any::<u32>(), any::<u64>())
                .prop_map(|(from, lamport)| Message::Clock { from, lamport }),
        ]
    }

    proptest! {
        #[test]
        fn frames_round_trip_in_any_split(msgs in proptest::collection::vec(any_message(), 1..20), split in 0usize..400) {
            let mut codec = MessageCodec::default();
            let mut stream = BytesMut::new();
            for m in &msgs {
                codec.encode(*m, &mut stream).unwrap();
            }
            let split = split.min(stream.len());
            let mut buf = BytesMut::from(&stream[..split]);
            let mut out = Vec::new();
            while let Some(m) = codec.decode(&mut buf).unwrap() { out.push(m); }
            buf.extend_from_slice(&stream[split..]);
            while let Some(m) = codec.decode(&mut buf).unwrap() { out.push(m); }
            prop_assert_eq!(out, msgs);
            prop_assert!(buf.is_empty());
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut codec = MessageCodec::default();
            let mut buf = BytesMut::from(&bytes[..]);
            // Decode until the codec wants more bytes or reports a malformed frame.
            while let Ok(Some(_)) = codec.decode(&mut buf) {}
        }
    }
}
