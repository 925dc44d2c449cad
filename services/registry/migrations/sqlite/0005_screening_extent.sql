-- What a screening says beyond its hits (screening.v1 ScreenResponse): how many entries
-- scored at or above the threshold, whether the hits were cut at max_hits, and the matching
-- engine that scored. Kept on the subject (its latest screening) and on every screening.
--
-- Screenings recorded before this migration did not keep the count: they take the number of
-- hits they hold, which is the count whenever screening did not cut them (fewer than its
-- max_hits of 10), and leave the engine empty, which says that it is unknown.
ALTER TABLE subjects ADD COLUMN total_hit_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE subjects ADD COLUMN hits_truncated BIGINT NOT NULL DEFAULT 0;
ALTER TABLE subjects ADD COLUMN engine_version TEXT NOT NULL DEFAULT '';
UPDATE subjects SET total_hit_count = json_array_length(hits_json);

ALTER TABLE screenings ADD COLUMN total_hit_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE screenings ADD COLUMN hits_truncated BIGINT NOT NULL DEFAULT 0;
ALTER TABLE screenings ADD COLUMN engine_version TEXT NOT NULL DEFAULT '';
UPDATE screenings SET total_hit_count = json_array_length(hits_json);
