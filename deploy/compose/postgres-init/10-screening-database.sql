-- The registry's database is POSTGRES_DB; screening gets its own beside it, since each
-- service runs its own migrations (and sqlx records them per database).
CREATE DATABASE screening;
