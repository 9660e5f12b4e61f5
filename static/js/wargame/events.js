// Generated from wargame/exercises/events.py by `make docs`: do not edit by hand.
// The event types the server sends (docs/events.md).
export const EVENT_TYPES = Object.freeze({
  PARTICIPANT_JOINED: "participant.joined",
  PARTICIPANT_LEFT: "participant.left",
  EXERCISE_CHANGED: "exercise.changed",
  EXERCISE_STARTED: "exercise.started",
  EXERCISE_PAUSED: "exercise.paused",
  EXERCISE_RESUMED: "exercise.resumed",
  EXERCISE_ENDED: "exercise.ended",
  PHASE_CHANGED: "phase.changed",
  DEADLINE_CHANGED: "deadline.changed",
  INJECT_RELEASED: "inject.released",
  DECISION_SAVED: "decision.saved",
  DECISION_SUBMITTED: "decision.submitted",
  MESSAGE_POSTED: "message.posted",
  STATEMENT_PUBLISHED: "statement.published",
  CHANNEL_OPENED: "channel.opened",
  CHANNEL_CLOSED: "channel.closed",
  HOTLINE_CHANGED: "hotline.changed",
  TEAM_AI_CHANGED: "team.ai_changed",
  AGREEMENT_CHANGED: "agreement.changed",
  JOINT_PROPOSED: "joint.proposed",
  JOINT_JOINED: "joint.joined",
  ADJUDICATION_PROPOSED: "adjudication.proposed",
  ADJUDICATION_DECISION_POINT: "adjudication.decision_point",
  ADJUDICATION_OVERRIDDEN: "adjudication.overridden",
  OUTCOME_PUBLISHED: "outcome.published",
  REPORT_PROGRESS: "report.progress",
  REPORT_READY: "report.ready",
  REPORT_FAILED: "report.failed",
});

export const KNOWN_TYPES = new Set(Object.values(EVENT_TYPES));
