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
//! | 14     | 8    | HLC `l`, model microseconds, u64 big-endian  |
//! | 22     | 8    | HLC `c`, u64 big-endian                      |
//! | 30     | 2    | n, entries of the vector clock, u16 big-endian |
//! | 32     | 8 n  | vector clock, n x u64 big-endian, by machine id |
//!
//! A connection's first frame must be a hello naming this run (its secret) and this receiver;
//! every later frame is a clock message. Version 1 had no vector clock (clock frames ended after
//! the timestamp), version 2 no hybrid logical clock; a decoder refuses versions it does not know
//! (every machine of a run is the same build).

use bytes::{Buf, BufMut, BytesMut};

use crate::log_format::Hlc;
use tokio_util::codec::{Decoder, Encoder, LengthDelimitedCodec};

/// Version byte of every frame.
pub const WIRE_VERSION: u8 = 3;
/// Largest frame body accepted, in bytes: a clock frame with a vector of 64 entries fits.
pub const MAX_FRAME: usize = CLOCK_HEAD + 8 * 64;

const KIND_HELLO: u8 = 1;
const KIND_CLOCK: u8 = 2;
const HELLO_LEN: usize = 26;
/// A clock frame's length before its vector entries.
const CLOCK_HEAD: usize = 32;
/// Bytes a clock frame spends on the Lamport timestamp.
pub(crate) const LAMPORT_BYTES: u64 = 8;
/// Bytes a clock frame spends on the hybrid logical clock (`l` and `c`).
pub(crate) const HLC_BYTES: u64 = 16;

/// Bytes a clock frame spends on a vector clock of `n` entries (its count and the entries).
pub(crate) fn vector_bytes(n: u64) -> u64 {
    2 + 8 * n
}

/// A decoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The first frame on a connection: who is calling whom, in which run.
    Hello { from: u32, to: u32, secret: u128 },
    /// A model message carrying the sender's Lamport timestamp, hybrid logical clock and vector
    /// clock.
    Clock {
        from: u32,
        lamport: u64,
        hlc: Hlc,
        vc: Vec<u64>,
    },
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
        let len = body.len() + 2;
        let short = |expected: usize| WireError::Length {
            kind,
            len,
            expected,
        };
        match kind {
            KIND_HELLO => {
                if len != HELLO_LEN {
                    return Err(short(HELLO_LEN));
                }
                Ok(Some(Message::Hello {
                    from: body.get_u32(),
                    to: body.get_u32(),
                    secret: body.get_u128(),
                }))
            }
            KIND_CLOCK => {
                if len < CLOCK_HEAD {
                    return Err(short(CLOCK_HEAD));
                }
                let from = body.get_u32();
                let lamport = body.get_u64();
                let hlc = Hlc {
                    l: body.get_u64(),
                    c: body.get_u64(),
                };
                let n = usize::from(body.get_u16());
                if len != CLOCK_HEAD + 8 * n {
                    return Err(short(CLOCK_HEAD + 8 * n));
                }
                let vc = (0..n).map(|_| body.get_u64()).collect();
                Ok(Some(Message::Clock {
                    from,
                    lamport,
                    hlc,
                    vc,
                }))
            }
            other => Err(WireError::Kind(other)),
        }
    }
}

impl Encoder<Message> for MessageCodec {
    type Error = WireError;

    fn encode(&mut self, msg: Message, dst: &mut BytesMut) -> Result<(), WireError> {
        let mut body = BytesMut::with_capacity(HELLO_LEN.max(CLOCK_HEAD + 8 * 3));
        body.put_u8(WIRE_VERSION);
        match msg {
            Message::Hello { from, to, secret } => {
                body.put_u8(KIND_HELLO);
                body.put_u32(from);
                body.put_u32(to);
                body.put_u128(secret);
            }
            Message::Clock {
                from,
                lamport,
                hlc,
                vc,
            } => {
                let n = u16::try_from(vc.len()).map_err(|_| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        format!(
                            "a vector clock of {} entries does not fit a frame",
                            vc.len()
                        ),
                    )
                })?;
                body.put_u8(KIND_CLOCK);
                body.put_u32(from);
                body.put_u64(lamport);
                body.put_u64(hlc.l);
                body.put_u64(hlc.c);
                body.put_u16(n);
                for entry in vc {
                    body.put_u64(entry);
                }
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
            hlc: Hlc { l: 0x0607, c: 8 },
            vc: vec![3, 0x0405],
        });
        #[rustfmt::skip]
        let expected = [
            0, 48,                  // length
            3, 2,                   // version, kind
            0, 0, 0, 2,             // sender
            0, 0, 0, 0, 0, 0, 1, 2, // lamport
            0, 0, 0, 0, 0, 0, 6, 7, // hlc l
            0, 0, 0, 0, 0, 0, 0, 8, // hlc c
            0, 2,                   // entries
            0, 0, 0, 0, 0, 0, 0, 3,
            0, 0, 0, 0, 0, 0, 4, 5,
        ];
        assert_eq!(&buf[..], &expected[..]);
    }

    #[test]
    fn each_clock_costs_the_bytes_analyze_scores_it_with() {
        let frame = |vc: Vec<u64>| {
            encode(Message::Clock {
                from: 0,
                lamport: 1,
                hlc: Hlc { l: 1, c: 0 },
                vc,
            })
            .len() as u64
        };
        // Length prefix, version, kind and sender (8 bytes), then the clocks.
        for n in [1, 4, 64] {
            let clocks = LAMPORT_BYTES + HLC_BYTES + vector_bytes(n);
            assert_eq!(frame(vec![0; n as usize]), 8 + clocks);
        }
    }

    #[test]
    fn a_partial_frame_waits_for_more_bytes() {
        let full = encode(Message::Clock {
            from: 1,
            lamport: 99,
            hlc: Hlc { l: 5, c: 1 },
            vc: vec![1, 2, 3],
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
                    lamport: 99,
                    hlc: Hlc { l: 5, c: 1 },
                    vc: vec![1, 2, 3],
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
        // A version 1 clock frame (no vector clock) is refused.
        let mut buf = BytesMut::from(&[0, 14, 1, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1, 2][..]);
        assert!(matches!(
            MessageCodec::default().decode(&mut buf),
            Err(WireError::Version(1))
        ));
        let mut buf = BytesMut::from(&[0, 6, 3, 7, 0, 0, 0, 0][..]);
        assert!(matches!(
            MessageCodec::default().decode(&mut buf),
            Err(WireError::Kind(7))
        ));
        let mut buf = BytesMut::from(&[0, 7, 3, 2, 0, 0, 0, 0, 5][..]);
        assert!(matches!(
            MessageCodec::default().decode(&mut buf),
            Err(WireError::Length { .. })
        ));
        // A vector longer than the frame says.
        let mut frame = vec![0, 32, 3, 2];
        frame.extend([0; 28]);
        frame.extend([0, 9]);
        let mut buf = BytesMut::from(&frame[..]);
        assert!(matches!(
            MessageCodec::default().decode(&mut buf),
            Err(WireError::Length { .. })
        ));
        // A version 2 clock frame (no hybrid logical clock) is refused, not misread.
        let mut buf = BytesMut::from(&[0, 16, 2, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0][..]);
        assert!(matches!(
            MessageCodec::default().decode(&mut buf),
            Err(WireError::Version(2))
        ));
        // A version 3 clock frame cut before its hybrid logical clock ends.
        let mut buf = BytesMut::from(&[0, 16, 3, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0][..]);
        assert!(matches!(
            MessageCodec::default().decode(&mut buf),
            Err(WireError::Length { expected: 32, .. })
        ));
    }

    fn any_message() -> impl Strategy<Value = Message> {
        prop_oneof![
            (any::<u32>(), any::<u32>(), any::<u128>())
                .prop_map(|(from, to, secret)| Message::Hello { from, to, secret }),
            (
                any::<u32>(),
                any::<u64>(),
                (any::<u64>(), any::<u64>()),
                proptest::collection::vec(any::<u64>(), 0..64)
            )
                .prop_map(|(from, lamport, hlc, vc)| Message::Clock {
                    from,
                    lamport,
                    hlc: hlc.into(),
                    vc
                }),
        ]
    }

    proptest! {
        #[test]
        fn frames_round_trip_in_any_split(msgs in proptest::collection::vec(any_message(), 1..20), split in 0usize..4000) {
            let mut codec = MessageCodec::default();
            let mut stream = BytesMut::new();
            for m in &msgs {
                codec.encode(m.clone(), &mut stream).unwrap();
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
