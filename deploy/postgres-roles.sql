-- PostgreSQL roles: migrations run as the owner; the application connects as a role that
-- may read and write rows but cannot TRUNCATE, ALTER or disable triggers (the audit log's
-- append-only triggers stay in force). Run as the postgres superuser.
CREATE ROLE himoya_owner LOGIN PASSWORD 'change-me-owner';
CREATE ROLE himoya_app LOGIN PASSWORD 'change-me-app';
CREATE DATABASE himoya OWNER himoya_owner;
\connect himoya
ALTER DEFAULT PRIVILEGES FOR ROLE himoya_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO himoya_app;
ALTER DEFAULT PRIVILEGES FOR ROLE himoya_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO himoya_app;
GRANT USAGE ON SCHEMA public TO himoya_app;
-- After each `migrate` (run as himoya_owner), grant on tables created before this:
--   GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO himoya_app;
--   GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO himoya_app;
