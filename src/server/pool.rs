//! User pools, their app clients and users, and the Rust calls that set
//! them up (what the admin API and the console do in Cognito).

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use rand_core::CryptoRng;
use subtle::ConstantTimeEq;

use zeroize::Zeroizing;

use super::Service;
use super::devices::Device;
use super::fault::{Fault, fault, not_authorized, service_error};
use super::jwt::TokenKey;
use super::lockout::Lockout;
use super::random::{ALNUM, LOWER_ALNUM, random_bytes, random_id};
use crate::flow::ServiceError;
use crate::modpow::{Residue, pow_g};
use crate::secret::{ClientSecret, Password};
use crate::secret_hash::SecretHash;
use crate::srp::math::{self, Salt};
use crate::totp;
use crate::user_pool::UserPoolId;

/// How a pool treats second factors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum MfaConfiguration {
    /// No MFA.
    #[default]
    Off,
    /// Users who set up an authenticator are asked for it.
    Optional,
    /// Every user must have an authenticator; those without set one up
    /// (MFA_SETUP) at their next sign-in.
    Required,
}

/// A user pool's settings.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PoolSettings {
    /// Issue `NewDeviceMetadata` so clients can remember devices; a
    /// remembered device skips MFA.
    pub track_devices: bool,
    /// Remember every confirmed device (`UserConfirmationNecessary` false);
    /// otherwise the user opts in with UpdateDeviceStatus.
    pub always_remember_devices: bool,
    /// Second factors.
    pub mfa: MfaConfiguration,
    /// Users may sign in with their `email` attribute.
    pub email_alias: bool,
    /// How long a refresh token is good for (Cognito's default: 30 days).
    pub refresh_token_validity: Duration,
    /// Usernames (and aliases) match whatever their case, as in pools made
    /// since 2020 (`UsernameConfiguration.CaseSensitive` false).
    pub case_insensitive_usernames: bool,
    /// An unknown user is told `UserNotFoundException` (an app client's
    /// `PreventUserExistenceErrors: LEGACY`) instead of a decoy challenge
    /// that ends in "Incorrect username or password.".
    pub user_existence_errors: bool,
    /// Attributes every user must have: NEW_PASSWORD_REQUIRED lists those a
    /// user lacks in `requiredAttributes`, and the answer must give them.
    pub required_attributes: Vec<String>,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            track_devices: false,
            always_remember_devices: false,
            mfa: MfaConfiguration::Off,
            email_alias: false,
            refresh_token_validity: Duration::from_secs(30 * 24 * 3600),
            case_insensitive_usernames: false,
            user_existence_errors: false,
            required_attributes: Vec::new(),
        }
    }
}

impl PoolSettings {
    /// Settings with device tracking (always remember), optional TOTP MFA and email aliases.
    pub fn with_devices_and_optional_mfa() -> Self {
        PoolSettings {
            track_devices: true,
            always_remember_devices: true,
            mfa: MfaConfiguration::Optional,
            email_alias: true,
            ..PoolSettings::default()
        }
    }

    /// These settings with another MFA configuration.
    pub fn with_mfa(mut self, mfa: MfaConfiguration) -> Self {
        self.mfa = mfa;
        self
    }

    /// These settings with refresh tokens good for `validity`.
    pub fn with_refresh_token_validity(mut self, validity: Duration) -> Self {
        self.refresh_token_validity = validity;
        self
    }

    /// These settings with email aliases on or off.
    pub fn with_email_alias(mut self, email_alias: bool) -> Self {
        self.email_alias = email_alias;
        self
    }

    /// These settings with attributes every user must have.
    pub fn with_required_attributes(mut self, names: &[&str]) -> Self {
        self.required_attributes = names.iter().map(|&name| name.to_owned()).collect();
        self
    }

    /// These settings with usernames and aliases matched whatever their case.
    pub fn with_case_insensitive_usernames(mut self, case_insensitive: bool) -> Self {
        self.case_insensitive_usernames = case_insensitive;
        self
    }
}

/// An app client as [`Service::create_app_client`] made it.
#[derive(Clone, Debug)]
pub struct NewAppClient {
    /// The client id.
    pub client_id: String,
    /// The secret, when one was generated.
    pub client_secret: Option<ClientSecret>,
}

pub(super) struct User {
    pub(super) salt: Salt,
    /// The SALT as sent, when it was given exactly (negative, or with a
    /// leading `00` byte); otherwise the minimal hex of `salt` is sent.
    pub(super) salt_text: Option<String>,
    pub(super) verifier: Residue,
    pub(super) temporary: bool,
    pub(super) attributes: HashMap<String, String>,
    pub(super) totp_secret: Option<Zeroizing<Vec<u8>>>,
    pub(super) sms_mfa: bool,
    pub(super) email_mfa: bool,
    pub(super) lockout: Lockout,
    /// The last time step whose TOTP code was accepted: each is taken once.
    pub(super) totp_last_step: Option<i64>,
}

pub(super) struct Pool {
    pub(super) id: UserPoolId,
    pub(super) settings: PoolSettings,
    pub(super) users: HashMap<String, User>,
    pub(super) aliases: HashMap<String, String>,
    pub(super) devices: HashMap<String, Device>,
    /// Each user's devices issued but perhaps not confirmed, oldest first.
    pub(super) unconfirmed: HashMap<String, VecDeque<String>>,
    pub(super) group_key: String,
    pub(super) tokens: TokenKey,
    /// Keys fake salts for unknown users, so they look like real ones.
    decoy_key: [u8; 32],
}

pub(super) struct Client {
    pub(super) pool: String,
    pub(super) secret: Option<ClientSecret>,
}

impl Service {
    /// Creates a user pool in `region` and returns its id.
    pub fn create_user_pool<R: CryptoRng + ?Sized>(
        &mut self,
        region: &str,
        settings: PoolSettings,
        rng: &mut R,
    ) -> UserPoolId {
        let id = UserPoolId::parse(&format!("{region}_{}", random_id(rng, ALNUM, 9)))
            .unwrap_or_else(|_| unreachable!("region and name are well formed"));
        let pool = Pool {
            id: id.clone(),
            settings,
            users: HashMap::new(),
            aliases: HashMap::new(),
            devices: HashMap::new(),
            unconfirmed: HashMap::new(),
            group_key: format!("-{}", random_id(rng, ALNUM, 9)),
            tokens: TokenKey::new(random_bytes(rng)),
            decoy_key: random_bytes(rng),
        };
        self.pools.insert(id.as_str().to_owned(), pool);
        id
    }

    /// Creates an app client, with a generated secret if asked.
    pub fn create_app_client<R: CryptoRng + ?Sized>(
        &mut self,
        pool: &UserPoolId,
        generate_secret: bool,
        rng: &mut R,
    ) -> NewAppClient {
        let client_id = random_id(rng, LOWER_ALNUM, 26);
        let client_secret = generate_secret.then(|| ClientSecret::new(random_id(rng, LOWER_ALNUM, 51)));
        self.clients
            .insert(client_id.clone(), Client { pool: pool.as_str().to_owned(), secret: client_secret.clone() });
        NewAppClient { client_id, client_secret }
    }

    /// AdminCreateUser followed by AdminSetUserPassword: a user with
    /// `attributes` (an `email` becomes a sign-in alias where the pool
    /// allows) and a password; `permanent = false` makes it temporary, so
    /// the first sign-in asks NEW_PASSWORD_REQUIRED.
    pub fn admin_create_user<R: CryptoRng + ?Sized>(
        &mut self,
        pool: &UserPoolId,
        username: &str,
        attributes: HashMap<String, String>,
        password: &Password,
        permanent: bool,
        rng: &mut R,
    ) -> Result<(), ServiceError> {
        let pool = self
            .pools
            .get_mut(pool.as_str())
            .ok_or_else(|| service_error(fault("ResourceNotFoundException", "User pool does not exist.")))?;
        if pool.users.contains_key(username) {
            return Err(service_error(fault("UsernameExistsException", "User account already exists")));
        }
        if pool.settings.email_alias
            && let Some(email) = attributes.get("email")
        {
            pool.aliases.insert(email.clone(), username.to_owned());
        }
        let (salt, verifier) = make_verifier(pool.id.pool_name(), username, password, rng);
        let user = User {
            salt,
            salt_text: None,
            verifier,
            temporary: !permanent,
            attributes,
            totp_secret: None,
            sms_mfa: false,
            email_mfa: false,
            lockout: Lockout::default(),
            totp_last_step: None,
        };
        pool.users.insert(username.to_owned(), user);
        Ok(())
    }

    /// Enables TOTP MFA for a user with a fresh secret, as if they had
    /// associated an authenticator, and returns the Base32 secret (what the
    /// authenticator app is given; see [`totp`](super::totp())).
    pub fn admin_set_software_token_mfa<R: CryptoRng + ?Sized>(
        &mut self,
        pool: &UserPoolId,
        username: &str,
        rng: &mut R,
    ) -> Option<String> {
        let user = self.pools.get_mut(pool.as_str())?.users.get_mut(username)?;
        let secret = Zeroizing::new(random_bytes::<20, R>(rng).to_vec());
        let code = totp::base32(&secret);
        user.totp_secret = Some(secret);
        Some(code)
    }

    /// Turns SMS and email codes on or off as second factors for a user
    /// (the codes go to the `phone_number` and `email` attributes).
    pub fn admin_set_user_mfa_preference(
        &mut self,
        pool: &UserPoolId,
        username: &str,
        sms: bool,
        email: bool,
    ) -> Option<()> {
        let user = self.pools.get_mut(pool.as_str())?.users.get_mut(username)?;
        (user.sms_mfa, user.email_mfa) = (sms, email);
        Some(())
    }

    /// The app client and its pool.
    pub(super) fn client(&self, client_id: &str) -> Result<(&Client, &Pool), Fault> {
        let client = self.clients.get(client_id).ok_or_else(|| {
            fault("ResourceNotFoundException", format!("User pool client {client_id} does not exist."))
        })?;
        let pool = self
            .pools
            .get(&client.pool)
            .ok_or_else(|| fault("ResourceNotFoundException", "User pool does not exist."))?;
        Ok((client, pool))
    }

    /// The app client's pool, to change.
    pub(super) fn pool_mut(&mut self, client_id: &str) -> Option<&mut Pool> {
        let pool_id = self.clients.get(client_id)?.pool.as_str();
        self.pools.get_mut(pool_id)
    }

    /// SECRET_HASH, when the app client has a secret: compared in constant time.
    pub(super) fn check_secret_hash(
        &self,
        client_id: &str,
        username: &str,
        given: Option<&String>,
    ) -> Result<(), Fault> {
        let (client, _) = self.client(client_id)?;
        let Some(secret) = &client.secret else { return Ok(()) };
        let expected = SecretHash::new(secret, username, client_id);
        let matches = given.is_some_and(|given| bool::from(given.as_bytes().ct_eq(expected.as_str().as_bytes())));
        if matches {
            Ok(())
        } else {
            Err(not_authorized(&format!("Unable to verify secret hash for client {client_id}")))
        }
    }
}

impl Pool {
    /// The pool's required attributes `user` does not have yet.
    pub(super) fn missing_attributes<'a>(&'a self, user: &'a User) -> impl Iterator<Item = &'a str> {
        let required = self.settings.required_attributes.iter().map(String::as_str);
        required.filter(|name| !user.attributes.contains_key(*name))
    }

    /// The pool username for what was typed: the username, or an alias.
    pub(super) fn resolve(&self, typed: &str) -> Option<String> {
        if self.users.contains_key(typed) {
            return Some(typed.to_owned());
        }
        if let Some(username) = self.aliases.get(typed) {
            return Some(username.clone());
        }
        if !self.settings.case_insensitive_usernames {
            return None;
        }
        let same = |name: &&String| name.to_lowercase() == typed.to_lowercase();
        let user = self.users.keys().find(same).cloned();
        user.or_else(|| self.aliases.iter().find(|(alias, _)| same(alias)).map(|(_, username)| username.clone()))
    }

    /// A salt and verifier for a user who does not exist, the same for the
    /// same name every time, so the challenge looks like a real one.
    ///
    /// The verifier never leaves the server (B = k·v + g^b hides it), so it
    /// is keyed random bytes below N rather than a power of g: what follows
    /// it (B, then the proof's check) is the same work as for a real user,
    /// and no more.
    pub(super) fn decoy(&self, typed: &str) -> (Salt, Residue) {
        use hmac::{Hmac, KeyInit, Mac};
        let block = |label: u8| -> [u8; 32] {
            let mut mac =
                Hmac::<sha2::Sha256>::new_from_slice(&self.decoy_key).unwrap_or_else(|_| unreachable!("any key"));
            mac.update(&[label]);
            mac.update(typed.as_bytes());
            mac.finalize().into_bytes().into()
        };
        let salt = Salt::from_unsigned_bytes(&block(0)[..16]);
        let mut bytes = [0u8; crate::group::N_BYTES_LEN];
        for (label, chunk) in (1..).zip(bytes.chunks_mut(32)) {
            chunk.copy_from_slice(&block(label));
        }
        // Below 2^3071 < N.
        bytes[0] &= 0x7f;
        let verifier = Residue::from_be_bytes(&bytes).unwrap_or_else(|| unreachable!("below N"));
        (salt, verifier)
    }
}

/// A salt and verifier for a password: `x = H(salt || H(poolName || username || ":" || password))`, `v = g^x`.
pub(super) fn make_verifier<R: CryptoRng + ?Sized>(
    pool_name: &str,
    username: &str,
    password: &Password,
    rng: &mut R,
) -> (Salt, Residue) {
    let salt = Salt::from_unsigned_bytes(&random_bytes::<16, R>(rng));
    let x = math::compute_x(&salt, pool_name, username, password.as_bytes());
    let verifier = pow_g(&math::exponent_256(&x));
    (salt, verifier)
}
