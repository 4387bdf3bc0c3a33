-- casereview schema, version 14: user accounts for a shared database (SPEC 8).
--
-- With no row here the database is a single person's (the login name, or --user). With one
-- or more, every session signs in. The password is kept only as a salted, slow scrypt hash;
-- failed sign-ins in a row are counted and lock the account for a while. Accounts are
-- disabled, never deleted, so every name in the change log stays an account's.

CREATE TABLE user_account (
    username TEXT PRIMARY KEY,
    display_name TEXT NOT NULL DEFAULT '',
    agency_code TEXT REFERENCES agency(agency_code),
    role TEXT NOT NULL CHECK (role IN ('viewer', 'auditor', 'lead', 'admin')),
    sites TEXT,                         -- ';'-separated site codes; NULL = every site
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    password_hash TEXT NOT NULL,        -- scrypt$n$r$p$salt$hash (base64)
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,                  -- UTC; NULL = not locked
    last_sign_in TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TRIGGER user_account_no_delete BEFORE DELETE ON user_account
BEGIN
    SELECT RAISE(ABORT, 'user accounts are never deleted: disable them');
END;
