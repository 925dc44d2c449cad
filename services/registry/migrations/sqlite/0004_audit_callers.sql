-- Complete audit: who registered each subject, and the caller's own request id apart from
-- the registry's.

-- The principal whose intake created the subject: the intake role reads only the subjects
-- it registered, and a replay of its request id by another principal is told apart. Rows
-- from before this migration take the actor of their `created` audit event ('' when there
-- is none: then only roles that read every subject see them).
ALTER TABLE subjects ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
UPDATE subjects SET created_by = COALESCE(
    (SELECT e.actor FROM audit_events e
     WHERE e.subject_id = subjects.id AND e.action = 'created'
     ORDER BY e.id LIMIT 1),
    '');

-- The caller's `x-request-id` (sanitised, at most 64 characters), kept apart from
-- `request_id`: that one is the intake's `request_id` for an intake's events and an id the
-- registry made for the call otherwise, never a value a caller chose in a header. Events
-- from before this migration may hold a caller's header in `request_id`; they keep it.
ALTER TABLE audit_events ADD COLUMN caller_request_id TEXT NOT NULL DEFAULT '';
