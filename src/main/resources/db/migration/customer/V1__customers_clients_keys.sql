-- Customers sign in with their e-mail address; it is unique however it is capitalised.
create table customer (
    id            uuid primary key,
    email         text        not null,
    name          text        not null,
    password_hash text        not null,
    created_at    timestamptz not null default now()
);
create unique index customer_email_idx on customer (lower(email));

-- Operator and service clients (OAuth 2.0 client credentials); only a hash of the secret is kept.
create table api_client (
    client_id   text primary key,
    secret_hash text        not null,
    roles       text[]      not null,
    created_at  timestamptz not null default now()
);

-- Failed sign-ins per account name (a hash of the e-mail address or client id, whether or not such an
-- account exists, so the lockout tells nobody which addresses are registered).
create table sign_in_failure (
    account_hash   text primary key,
    failures       int         not null,
    last_failed_at timestamptz not null,
    locked_until   timestamptz
);

-- Token signing keys (RS256, RSA 2048). The newest unretired key signs; a retired key is still published, so tokens
-- it signed validate until they expire.
create table signing_key (
    kid         text primary key,
    algorithm   text        not null,
    private_key bytea       not null,
    public_key  bytea       not null,
    created_at  timestamptz not null default now(),
    retired_at  timestamptz
);
