//! Tracking tuple trees from the emitter's side: message ids of new tuples, roots of tracked spout
//! emits, acker traffic, and the local ledger that lets a tree completing inside one executor skip
//! the acker (see [`LocalTree`](super::outbox::LocalTree)).

use std::time::Instant;

use squall_api::{MessageId, Value};

use super::emitter::{Anchoring, Emitter};

use super::task::PendingTuple;
use crate::acker::AckerInput;
use crate::message::Message;

impl Emitter<'_> {
    /// Ends a spout emit's local tree (see [`LocalTree`]): completes or fails the root here when
    /// nothing of it left the executor, else hands the acker one init with the ledger so far.
    pub(super) fn close_tree(&mut self, root: u64, init: u64, stream: usize) {
        let tree = self.out.local_tree.take();
        let (ledger, escaped, failed) = match tree {
            Some(t) if t.root == root => (t.ledger ^ init, t.escaped, t.failed),
            _ => (init, true, false),
        };
        if !escaped && (failed || ledger == 0) {
            if let Some(p) = self.core.pending.remove(root) {
                debug_assert_eq!(p.stream, stream);
                self.core.local_results.push((p, !failed));
            }
            return;
        }
        let spout_task = self.core.task;
        self.send_to_acker(AckerInput::Init { root, value: ledger, spout_task });
        if failed {
            self.send_to_acker(AckerInput::Fail { root });
        }
    }

    /// The message id of one copy of an emit: a fresh edge under the spout's root, or the XOR of
    /// fresh edges under every root of the anchors (recorded in the anchors' ack values).
    #[inline(always)]
    pub(super) fn message_id(&mut self, anchoring: &Anchoring<'_>) -> MessageId {
        if !self.env.reliable {
            return MessageId::untracked();
        }
        match *anchoring {
            Anchoring::Spout(None) => MessageId::untracked(),
            Anchoring::Spout(Some(root)) => MessageId::root(root, self.core.rng.u64(..)),
            Anchoring::Bolt(anchors) => {
                let mut id = MessageId::untracked();
                for a in anchors {
                    let roots = a.message_id().anchors();
                    if roots.is_empty() {
                        continue;
                    }
                    let edge = self.core.rng.u64(..);
                    a.xor_ack_val(edge);
                    for &(root, _) in roots {
                        id.xor_edge(root, edge);
                    }
                }
                id
            }
        }
    }

    pub(super) fn send_to_acker(&mut self, input: AckerInput) {
        if let Some(tree) = &mut self.out.local_tree
            && tree.root == input.root()
        {
            match input {
                AckerInput::Ack { value, .. } => tree.ledger ^= value,
                AckerInput::Fail { .. } => tree.failed = true,
                // The tree is decided when the spout's emit returns; a reset changes nothing yet.
                AckerInput::ResetTimeout { .. } | AckerInput::Init { .. } => {}
            }
            return;
        }
        let acker = self.env.plan.acker_for(input.root());
        self.env.send(self.out, acker, Message::ToAcker { acker, input });
    }

    /// Registers a tracked spout emit; returns its root when the tree is tracked.
    pub(super) fn track(&mut self, si: usize, msg_id: Option<Value>) -> Option<u64> {
        let msg_id = msg_id?;
        if !self.env.reliable {
            // Reliability off: Storm acks a message-id emit at once; squall right after
            // `next_tuple` returns, on the same thread.
            self.core.unreliable_acks.push(msg_id);
            return None;
        }
        let root = self.core.rng.u64(1..);
        self.core.complete_countdown -= 1;
        let emitted = if self.core.complete_countdown == 0 {
            self.core.complete_countdown = self.env.complete_every;
            Some(Instant::now())
        } else {
            None
        };
        self.core.pending.insert(root, PendingTuple { msg_id, stream: si, emitted });
        Some(root)
    }
}
