//! [`Hello`]: the first frame each side sends on a connection, so that workers of different
//! topologies, or of different plans of one topology, refuse each other before any tuple flows.

use bytes::{BufMut, BytesMut};
use smol_str::SmolStr;

use crate::WireError;
use crate::reader::{Reader, Result as ReadResult};
use crate::value::put_str;

/// Who is speaking: sent once by each side at the start of a connection. The format version
/// travels in the frame header (every frame's, this one's included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hello {
    /// The topology id (Storm's `<name>-<counter>-<epoch secs>`).
    pub topology_id: SmolStr,
    /// The sending worker's id.
    pub worker_id: SmolStr,
    /// A hash of the plan (tasks, streams, routes) the sender runs; equal plans give equal
    /// fingerprints. Computed by the runtime; the wire only compares it.
    pub plan_fingerprint: u64,
}

impl Hello {
    /// A hello for `worker_id` of `topology_id`, running the plan with `plan_fingerprint`.
    pub fn new(
        topology_id: impl Into<SmolStr>,
        worker_id: impl Into<SmolStr>,
        plan_fingerprint: u64,
    ) -> Self {
        Self { topology_id: topology_id.into(), worker_id: worker_id.into(), plan_fingerprint }
    }

    /// Checks that `peer` (the hello received) runs our topology under our plan; `self` is ours.
    ///
    /// # Errors
    /// [`WireError::TopologyMismatch`] or [`WireError::PlanMismatch`]; close the connection.
    pub fn check_peer(&self, peer: &Hello) -> Result<(), WireError> {
        if peer.topology_id != self.topology_id {
            return Err(WireError::TopologyMismatch {
                ours: self.topology_id.clone(),
                theirs: peer.topology_id.clone(),
            });
        }
        if peer.plan_fingerprint != self.plan_fingerprint {
            return Err(WireError::PlanMismatch {
                ours: self.plan_fingerprint,
                theirs: peer.plan_fingerprint,
            });
        }
        Ok(())
    }

    pub(crate) fn encode_payload(&self, dst: &mut BytesMut) {
        put_str(dst, &self.topology_id);
        put_str(dst, &self.worker_id);
        dst.put_u64_le(self.plan_fingerprint);
    }

    pub(crate) fn decode_payload(r: &mut Reader<'_>) -> ReadResult<Self> {
        let hello = Hello {
            topology_id: r.str("topology id")?,
            worker_id: r.str("worker id")?,
            plan_fingerprint: r.u64_le("plan fingerprint")?,
        };
        match r.remaining() {
            0 => Ok(hello),
            n => Err(r.fail(WireError::TrailingBytes(n))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_peer_compares_topology_then_plan() {
        let ours = Hello::new("wc-1-100", "w1", 7);
        assert!(ours.check_peer(&Hello::new("wc-1-100", "w2", 7)).is_ok());
        assert!(matches!(
            ours.check_peer(&Hello::new("other-2-200", "w2", 7)),
            Err(WireError::TopologyMismatch { .. })
        ));
        let err = ours.check_peer(&Hello::new("wc-1-100", "w2", 8)).unwrap_err();
        assert!(matches!(err, WireError::PlanMismatch { ours: 7, theirs: 8 }));
        assert_eq!(
            err.to_string(),
            "peer's plan fingerprint 0x0000000000000008 differs from ours 0x0000000000000007"
        );
    }
}
