"""pycognito's SRP (AWSSRP) and boto3 against `cognito-srp serve`.

Run by .ci/run with COGNITO_ENDPOINT set to the server's URL and the pools of
tests/clients/config.json loaded. Each test names the Cognito behaviour it
checks; where pycognito departs from the protocol (shared PROTOCOL.md), the
test asserts the strict behaviour and says why.
"""

import base64
import hashlib
import hmac
import json
import os
import shutil
import struct
import subprocess
import time

import boto3
import botocore.config
import botocore.exceptions
import pytest
from pycognito.aws_srp import AWSSRP, SoftwareTokenMFAChallengeException, generate_hash_device

ENDPOINT = os.environ.get("COGNITO_ENDPOINT", "")
POOL = "us-east-1_PySuite1"
PUBLIC = "pypublicclient000000000001"
CONFIDENTIAL = "pysecretclient000000000001"
SECRET = "local-only-py-secret-0123456789abcdefghijklmnopqrst"
INCORRECT = "Incorrect username or password."

pytestmark = pytest.mark.skipif(not ENDPOINT, reason="COGNITO_ENDPOINT is not set: start `cognito-srp serve` first")


@pytest.fixture(scope="module")
def idp():
    # Admin calls are SigV4-signed with these made-up keys; the local server
    # accepts the signature without checking it (documented in the README).
    return boto3.client(
        "cognito-idp",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=botocore.config.Config(retries={"max_attempts": 1}),
    )


def srp(idp, username, password, client_id=PUBLIC, client_secret=None, **device):
    return AWSSRP(
        username=username,
        password=password,
        pool_id=POOL,
        client_id=client_id,
        client=idp,
        client_secret=client_secret,
        **device,
    )


def error_of(excinfo):
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def totp(secret_b32, at=None):
    """RFC 6238 with SHA-1, 30-second steps, six digits: what an authenticator app shows."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def test_user_srp_auth_on_a_public_client_gives_tokens_for_the_user(idp):
    tokens = srp(idp, "py-alice", "Py-Alice-Passw0rd!").authenticate_user()
    result = tokens["AuthenticationResult"]
    assert result["TokenType"] == "Bearer"
    assert idp.get_user(AccessToken=result["AccessToken"])["Username"] == "py-alice"


def test_user_srp_auth_with_a_client_secret_sends_secret_hash_on_every_step(idp):
    tokens = srp(idp, "py-alice", "Py-Alice-Passw0rd!", CONFIDENTIAL, SECRET).authenticate_user()
    assert "AccessToken" in tokens["AuthenticationResult"]


def test_a_confidential_client_without_secret_hash_is_refused(idp):
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        srp(idp, "py-alice", "Py-Alice-Passw0rd!", CONFIDENTIAL, None).authenticate_user()
    code, message = error_of(excinfo)
    assert code == "NotAuthorizedException"
    assert "secret hash" in message


def test_an_email_alias_with_a_client_secret_signs_in_as_the_pool_username(idp):
    # SECRET_HASH on the answer is over the pool username from the challenge's
    # USERNAME, not over the alias that was typed.
    tokens = srp(idp, "py-alice@example.com", "Py-Alice-Passw0rd!", CONFIDENTIAL, SECRET).authenticate_user()
    access = tokens["AuthenticationResult"]["AccessToken"]
    assert idp.get_user(AccessToken=access)["Username"] == "py-alice"


def test_a_wrong_password_is_refused_as_incorrect(idp):
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        srp(idp, "py-alice", "not-the-password").authenticate_user()
    assert error_of(excinfo) == ("NotAuthorizedException", INCORRECT)


def test_an_unknown_user_gets_a_challenge_and_the_same_refusal_as_a_wrong_password(idp):
    # prevent_user_existence_errors: a decoy PASSWORD_VERIFIER, then the wrong-password answer.
    helper = srp(idp, "py-nobody", "whatever-Passw0rd!")
    challenge = idp.initiate_auth(AuthFlow="USER_SRP_AUTH", AuthParameters=helper.get_auth_params(), ClientId=PUBLIC)
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    assert challenge["ChallengeParameters"]["USERNAME"] == "py-nobody"
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        srp(idp, "py-nobody", "whatever-Passw0rd!").authenticate_user()
    assert error_of(excinfo) == ("NotAuthorizedException", INCORRECT)


def test_totp_refuses_a_wrong_code_then_takes_the_right_one_on_the_same_session(idp):
    with pytest.raises(SoftwareTokenMFAChallengeException) as excinfo:
        srp(idp, "py-totp", "Py-Totp-Passw0rd!").authenticate_user()
    challenge = excinfo.value.get_tokens()
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    right = totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    def answer(code):
        return idp.respond_to_auth_challenge(
            ClientId=PUBLIC,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "py-totp", "SOFTWARE_TOKEN_MFA_CODE": code},
        )

    with pytest.raises(botocore.exceptions.ClientError) as mismatch:
        answer(wrong)
    assert error_of(mismatch)[0] == "CodeMismatchException"
    assert "AccessToken" in answer(right)["AuthenticationResult"]


def signed_in_with_a_confirmed_device(idp):
    """Signs py-device in, confirms the new device with pycognito's verifier, returns (tokens, device)."""
    tokens = srp(idp, "py-device", "Py-Device-Passw0rd!").authenticate_user()
    metadata = tokens["AuthenticationResult"]["NewDeviceMetadata"]
    password, verifier = generate_hash_device(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    # pycognito's own confirm_device posts to the AWS region's URL whatever the
    # client's endpoint, so the confirmation goes through boto3.
    confirmed = idp.confirm_device(
        AccessToken=tokens["AuthenticationResult"]["AccessToken"],
        DeviceKey=metadata["DeviceKey"],
        DeviceSecretVerifierConfig=verifier,
        DeviceName="pytest",
    )
    assert confirmed["UserConfirmationNecessary"] is False
    device = {
        "device_key": metadata["DeviceKey"],
        "device_group_key": metadata["DeviceGroupKey"],
        "device_password": password,
    }
    return tokens, device


def test_confirm_device_then_refresh_with_device_key(idp):
    tokens, device = signed_in_with_a_confirmed_device(idp)
    access = tokens["AuthenticationResult"]["AccessToken"]
    listed = idp.list_devices(AccessToken=access)["Devices"]
    assert device["device_key"] in [d["DeviceKey"] for d in listed]
    refreshed = idp.initiate_auth(
        AuthFlow="REFRESH_TOKEN_AUTH",
        ClientId=PUBLIC,
        AuthParameters={
            "REFRESH_TOKEN": tokens["AuthenticationResult"]["RefreshToken"],
            "DEVICE_KEY": device["device_key"],
        },
    )["AuthenticationResult"]
    assert idp.get_user(AccessToken=refreshed["AccessToken"])["Username"] == "py-device"
    assert "RefreshToken" not in refreshed


def test_device_srp_with_the_user_srp_a_reused_is_refused_and_a_fresh_one_signs_in(idp):
    # pycognito answers DEVICE_SRP_AUTH with the SRP_A (and so the private a)
    # of the user's PASSWORD_VERIFIER step, and without the Session. PROTOCOL.md
    # asks for a fresh a; the strict server refuses the reused A (and a missing
    # Session), so pycognito's own device sign-in cannot succeed here.
    _, device = signed_in_with_a_confirmed_device(idp)
    with pytest.raises(botocore.exceptions.ClientError) as as_pycognito_does:
        srp(idp, "py-device", "Py-Device-Passw0rd!", **device).authenticate_user()
    assert error_of(as_pycognito_does)[0] == "NotAuthorizedException"

    def up_to_device_srp_auth():
        """USER_SRP_AUTH and PASSWORD_VERIFIER with the device key: (pycognito's helper, the DEVICE_SRP_AUTH challenge)."""
        user = srp(idp, "py-device", "Py-Device-Passw0rd!", **device)
        auth_params = user.get_auth_params()
        challenge = idp.initiate_auth(AuthFlow="USER_SRP_AUTH", AuthParameters=auth_params, ClientId=PUBLIC)
        device_challenge = idp.respond_to_auth_challenge(
            ClientId=PUBLIC,
            ChallengeName="PASSWORD_VERIFIER",
            Session=challenge["Session"],
            ChallengeResponses=user.process_challenge(challenge["ChallengeParameters"], auth_params),
        )
        assert device_challenge["ChallengeName"] == "DEVICE_SRP_AUTH"
        return user, device_challenge

    def device_srp(device_challenge, helper):
        return idp.respond_to_auth_challenge(
            ClientId=PUBLIC,
            ChallengeName="DEVICE_SRP_AUTH",
            Session=device_challenge["Session"],
            ChallengeResponses={
                "USERNAME": "py-device",
                "DEVICE_KEY": device["device_key"],
                "SRP_A": format(helper.large_a_value, "x"),
            },
        )

    user, device_challenge = up_to_device_srp_auth()
    with pytest.raises(botocore.exceptions.ClientError) as reused:
        device_srp(device_challenge, user)
    code, message = error_of(reused)
    assert code == "NotAuthorizedException"
    assert "SRP_A" in message

    # The refusal spent the session: start again, this time with a fresh a for the device step.
    _, device_challenge = up_to_device_srp_auth()
    fresh = srp(idp, "py-device", "Py-Device-Passw0rd!", **device)
    verifier_challenge = device_srp(device_challenge, fresh)
    assert verifier_challenge["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    tokens = idp.respond_to_auth_challenge(
        ClientId=PUBLIC,
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        Session=verifier_challenge["Session"],
        ChallengeResponses=fresh.process_device_challenge(verifier_challenge["ChallengeParameters"]),
    )["AuthenticationResult"]
    assert "NewDeviceMetadata" not in tokens, "a remembered device is not new"
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "py-device"


def test_a_negative_salt_is_sent_as_cognito_sends_it_and_pycognito_cannot_parse_it(idp):
    # Cognito has been seen sending a SALT that starts with '-'; PROTOCOL.md
    # says to take its two's-complement bytes. pycognito hashes the hex text
    # with bytearray.fromhex, which rejects the sign: a client-side failure,
    # before any answer is sent. (amazon-cognito-identity-js signs this kind
    # of user in: see tests/clients/js.)
    helper = srp(idp, "py-negative-salt", "Py-Negative-Passw0rd!")
    challenge = idp.initiate_auth(AuthFlow="USER_SRP_AUTH", AuthParameters=helper.get_auth_params(), ClientId=PUBLIC)
    assert challenge["ChallengeParameters"]["SALT"] == "-7e0f1d2c3b4a59687766554433221100"
    with pytest.raises(ValueError):
        srp(idp, "py-negative-salt", "Py-Negative-Passw0rd!").authenticate_user()


def test_admin_calls_through_boto3_set_up_a_user_who_then_signs_in(idp):
    idp.admin_create_user(
        UserPoolId=POOL,
        Username="py-admin-made",
        TemporaryPassword="Temp-Passw0rd!",
        UserAttributes=[{"Name": "email", "Value": "py-admin-made@example.com"}],
        MessageAction="SUPPRESS",
    )
    assert idp.admin_get_user(UserPoolId=POOL, Username="py-admin-made")["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    idp.admin_set_user_password(UserPoolId=POOL, Username="py-admin-made", Password="Perm-Passw0rd!", Permanent=True)
    user = idp.admin_get_user(UserPoolId=POOL, Username="py-admin-made")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email", "Value": "py-admin-made@example.com"} in user["UserAttributes"]
    assert "AccessToken" in srp(idp, "py-admin-made", "Perm-Passw0rd!").authenticate_user()["AuthenticationResult"]
    idp.admin_delete_user(UserPoolId=POOL, Username="py-admin-made")
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        idp.admin_get_user(UserPoolId=POOL, Username="py-admin-made")
    assert error_of(excinfo)[0] == "UserNotFoundException"


def test_the_aws_cli_administers_users_with_endpoint_url(idp):
    aws = shutil.which("aws")
    if aws is None:
        pytest.skip("the AWS CLI (pip package awscli) is not installed")
    env = dict(os.environ, AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local", AWS_DEFAULT_REGION="us-east-1")

    def cli(*args):
        command = [aws, "cognito-idp", *args, "--endpoint-url", ENDPOINT, "--user-pool-id", POOL, "--output", "json"]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    created = cli("admin-create-user", "--username", "py-cli-made", "--temporary-password", "Temp-Passw0rd!")
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["User"]["Username"] == "py-cli-made"
    set_password = cli("admin-set-user-password", "--username", "py-cli-made", "--password", "Cli-Passw0rd!", "--permanent")
    assert set_password.returncode == 0, set_password.stderr
    assert json.loads(cli("admin-get-user", "--username", "py-cli-made").stdout)["UserStatus"] == "CONFIRMED"
    assert "AccessToken" in srp(idp, "py-cli-made", "Cli-Passw0rd!").authenticate_user()["AuthenticationResult"]
    assert cli("admin-delete-user", "--username", "py-cli-made").returncode == 0
    missing = cli("admin-get-user", "--username", "py-cli-made")
    assert missing.returncode != 0
    assert "UserNotFoundException" in missing.stderr
