#!/usr/bin/env python3
"""Seeds an AWS *emulator* (moto) with a demo account that is deliberately half compliant.

What it builds, in two regions (us-east-1 and eu-west-1) plus IAM (global): VPCs with and
without flow logs, security groups open to the world on 22/3389/all ports next to restricted
ones, network ACLs, instances with IMDSv1/IMDSv2, public IPs, instance profiles and user data
(one leaking a fake secret), encrypted and unencrypted EBS volumes, public/shared/private
snapshots and AMIs, launch templates, Elastic IPs, network interfaces; 22 S3 buckets covering
encryption, versioning, logging, public access blocks, policies, ACLs, ownership, lifecycle,
replication, object lock, notifications and tags; IAM users, groups, roles, customer managed
policies, MFA devices, a password policy, server certificates (one expired) and SAML providers.
All names are fixed (prefix `lgp-demo-`); with `--reset` the emulator's generated ids are
deterministic too (`/moto-api/seed`).

It prints (or writes with --manifest) a JSON manifest of everything in the account afterwards:
per service, region and kind the ids/names/ARNs and the facts tests assert on, and `counts`,
the number of resources per inventory kind and region as an inventory lists them (moto's
default VPC, security groups, network ACLs, instance root volumes, primary network interfaces
and the snapshots behind AMIs included).

Refuses to run against anything but an emulator: --endpoint-url must be http(s) on 127.0.0.1,
::1 or localhost. Assumes a fresh account (use --reset on a shared emulator).

Usage:
  python3 scripts/seed-demo-account.py --endpoint-url http://127.0.0.1:5000 --reset \
      [--manifest out.json] [--account-id 123456789012] [--seed 42] [--verbose]

Needs boto3 and cryptography (both come with `pip install 'moto[server]==5.2.5'`).
"""

import argparse
import base64
import datetime
import json
import sys
import time
import urllib.request
from urllib.parse import urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

REGIONS = ["us-east-1", "eu-west-1"]
SHORT = {"us-east-1": "use1", "eu-west-1": "euw1"}
OTHER_ACCOUNT = "999988887777"
PREFIX = "lgp-demo"
FAKE_SECRET = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
WORLD4 = "0.0.0.0/0"
WORLD6 = "::/0"
OFFICE = "203.0.113.0/24"

VERBOSE = False


def log(*args):
    if VERBOSE:
        print(*args, file=sys.stderr, flush=True)


def doc(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def tags(name, **extra):
    t = [{"Key": "Name", "Value": name}, {"Key": "project", "Value": PREFIX}]
    t += [{"Key": k, "Value": v} for k, v in extra.items()]
    return t


def tag_spec(kind, name, **extra):
    return [{"ResourceType": kind, "Tags": tags(name, **extra)}]


def name_of(tag_list):
    for t in tag_list or []:
        if t["Key"] == "Name":
            return t["Value"]
    return None


class Seeder:
    def __init__(self, endpoint, account_id=None):
        self.endpoint = endpoint.rstrip("/")
        self.session = boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            aws_session_token="testing",
        )
        if account_id:
            # moto serves one account per `x-moto-account-id` header.
            def add_header(request, **_):
                request.headers["x-moto-account-id"] = account_id

            self.session.events.register("before-sign.*.*", add_header)
        self.config = Config(
            retries={"max_attempts": 1, "mode": "standard"},
            s3={"addressing_style": "path"},
            connect_timeout=10,
            read_timeout=60,
        )
        self._clients = {}
        self.bucket_suffix = f"-{account_id}" if account_id else ""
        self.requests = 0
        self.notes = []  # what the emulator refused, and what the script did instead
        self.account_id = self.client("sts", "us-east-1").get_caller_identity()["Account"]
        self.facts = {r: {} for r in REGIONS}  # region -> resource id -> facts known at creation
        self.m = {
            "account_id": self.account_id,
            "other_account_id": OTHER_ACCOUNT,
            "regions": list(REGIONS),
            "endpoint_url": self.endpoint,
            "ec2": {},
            "s3": {},
            "iam": {},
        }

    def bucket(self, short):
        """A bucket's name. Bucket names are global across the emulator's accounts, as on AWS, so
        an account other than the default one (--account-id) gets its id as a suffix."""
        return f"{PREFIX}-{short}{self.bucket_suffix}"

    def client(self, service, region, **config):
        key = (service, region, tuple(sorted(config.items())))
        if key not in self._clients:
            cfg = self.config.merge(Config(**config)) if config else self.config
            c = self.session.client(
                service, region_name=region, endpoint_url=self.endpoint, config=cfg
            )
            c.meta.events.register("before-send.*.*", self._count)
            self._clients[key] = c
        return self._clients[key]

    def _count(self, **_):
        self.requests += 1

    def note(self, text):
        log("note:", text)
        self.notes.append(text)

    # ------------------------------------------------------------------ IAM (global)

    def seed_iam(self):
        iam = self.client("iam", "us-east-1")
        acct = self.account_id
        aws_policy = "arn:aws:iam::aws:policy/"
        out = {"users": [], "groups": [], "roles": [], "instance_profiles": [], "policies": []}

        # Customer managed policies.
        policy_specs = [
            # name, statements, facts
            ("full-admin", [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
             {"admin": True}),
            ("passrole-any", [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}],
             {"passrole_any": True}),
            ("s3-star-on-star", [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
             {"service_wildcard": "s3"}),
            ("s3-read-app", [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                              "Resource": [f"arn:aws:s3:::{self.bucket('secure-data')}",
                                           f"arn:aws:s3:::{self.bucket('secure-data')}/*"]}], {}),
            ("ec2-describe", [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}], {}),
            ("kms-decrypt", [{"Effect": "Allow", "Action": "kms:Decrypt",
                              "Resource": f"arn:aws:kms:us-east-1:{acct}:key/demo"}], {}),
            ("logs-write", [{"Effect": "Allow",
                             "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                             "Resource": f"arn:aws:logs:*:{acct}:log-group:/lgp-demo/*"}], {}),
            ("deny-without-mfa", [{"Effect": "Deny", "NotAction": ["iam:*MFA*", "sts:GetSessionToken"],
                                   "Resource": "*",
                                   "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}],
             {}),
            ("ci-deploy", [{"Effect": "Allow", "Action": ["s3:PutObject"],
                            "Resource": f"arn:aws:s3:::{self.bucket('tagged-prod')}/*"}], {}),
            ("unattached-legacy", [{"Effect": "Allow", "Action": ["sqs:*", "sns:*"],
                                    "Resource": "*"}], {}),
            ("billing-view", [{"Effect": "Allow", "Action": ["aws-portal:View*", "ce:Get*"],
                               "Resource": "*"}], {}),
            ("secrets-read", [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                               "Resource": f"arn:aws:secretsmanager:*:{acct}:secret:lgp-demo/*"}],
             {}),
        ]
        pol = {}
        for short, statements, facts in policy_specs:
            name = f"{PREFIX}-policy-{short}"
            arn = iam.create_policy(
                PolicyName=name, PolicyDocument=doc(statements),
                Description=f"demo policy {short}", Tags=[{"Key": "project", "Value": PREFIX}],
            )["Policy"]["Arn"]
            pol[short] = arn
            out["policies"].append({
                "name": name, "arn": arn, "admin": facts.get("admin", False),
                "passrole_any": facts.get("passrole_any", False),
                "service_wildcard": facts.get("service_wildcard"),
                "versions": 1, "default_version": "v1", "attached": False,
            })
        # ci-deploy gets a second, wider version, made the default.
        iam.create_policy_version(
            PolicyArn=pol["ci-deploy"], SetAsDefault=True,
            PolicyDocument=doc([{"Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"],
                                 "Resource": f"arn:aws:s3:::{self.bucket('tagged-prod')}/*"}]),
        )
        for p in out["policies"]:
            if p["arn"] == pol["ci-deploy"]:
                p["versions"], p["default_version"] = 2, "v2"
        attached_arns = set()

        def attach(kind, name, arn):
            getattr(iam, f"attach_{kind}_policy")(**{f"{kind.capitalize()}Name": name,
                                                      "PolicyArn": arn})
            attached_arns.add(arn)

        # Groups.
        group_specs = [
            ("admins", [aws_policy + "AdministratorAccess"], {}),
            ("developers", [pol["ec2-describe"], pol["s3-read-app"]],
             {"dev-extra": [{"Effect": "Allow", "Action": "cloudwatch:Get*", "Resource": "*"}]}),
            ("ops", [pol["passrole-any"], pol["logs-write"]], {}),
            ("auditors", [aws_policy + "SecurityAudit", aws_policy + "ReadOnlyAccess"], {}),
            ("billing", [], {"billing-inline": [{"Effect": "Allow", "Action": "aws-portal:*",
                                                 "Resource": "*"}]}),
            ("empty", [], {}),
        ]
        groups = {}
        for short, managed, inline in group_specs:
            name = f"{PREFIX}-group-{short}"
            arn = iam.create_group(GroupName=name)["Group"]["Arn"]
            for a in managed:
                attach("group", name, a)
            for pname, statements in inline.items():
                iam.put_group_policy(GroupName=name, PolicyName=pname, PolicyDocument=doc(statements))
            groups[short] = {"name": name, "arn": arn, "attached_policies": managed,
                             "inline_policies": sorted(inline), "members": []}

        # Users: short, console password, MFA, access key statuses, groups, managed, inline.
        user_specs = [
            ("alice-admin", True, True, ["Active"], ["admins"], [], False),
            ("bob-dev", True, False, ["Active", "Active"], ["developers"], [], False),
            ("carol-ops", True, True, ["Active", "Inactive"], ["ops"], [], False),
            ("dave-ci", False, False, ["Active"], [], [pol["ci-deploy"]], True),
            ("erin-auditor", True, True, [], ["auditors"], [], False),
            ("frank-legacy", True, False, ["Active", "Active"], [], [aws_policy + "AdministratorAccess"], False),
            ("grace-svc", False, False, ["Active", "Inactive"], [], [pol["s3-star-on-star"]], True),
            ("heidi-dev", True, True, ["Active"], ["developers"], [], False),
            ("ivan-dev", True, False, [], ["developers"], [], False),
            ("judy-ops", True, True, ["Inactive"], ["ops", "developers"], [], False),
            ("mallory-ext", True, False, ["Active"], [], [pol["full-admin"]], True),
            ("niaj-billing", True, False, [], ["billing"], [], False),
            ("olivia-admin", True, True, ["Active", "Active"], ["admins"], [], False),
            ("peggy-readonly", False, False, [], ["auditors"], [], False),
            ("rupert-bot", False, False, ["Active"], [], [pol["secrets-read"]], False),
            ("sybil-dev", True, False, ["Inactive", "Inactive"], ["developers"], [], False),
            ("trent-ops", True, True, ["Active"], ["ops"], [pol["passrole-any"]], False),
            ("victor-contractor", True, False, ["Active"], [], [pol["ec2-describe"]], True),
            ("walter-data", False, False, ["Active", "Inactive"], [], [pol["kms-decrypt"]], False),
            ("xavier-intern", True, False, [], ["developers"], [], False),
            ("yvonne-sec", True, True, [], ["auditors", "admins"], [], False),
            ("zoe-unused", False, False, [], [], [], False),
            ("deploy-bot", False, False, ["Active"], [], [pol["ci-deploy"], pol["passrole-any"]], False),
            ("break-glass", True, False, [], ["admins"], [], False),
        ]
        mfa_devices = []
        for short, console, mfa, keys, in_groups, managed, inline in user_specs:
            name = f"{PREFIX}-user-{short}"
            arn = iam.create_user(UserName=name, Tags=[{"Key": "project", "Value": PREFIX}])["User"]["Arn"]
            if console:
                iam.create_login_profile(UserName=name, Password="Demo-Passw0rd!",
                                         PasswordResetRequired=False)
            key_facts = []
            for status in keys:
                kid = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
                if status != "Active":
                    iam.update_access_key(UserName=name, AccessKeyId=kid, Status=status)
                key_facts.append({"id": kid, "status": status})
            serial = None
            if mfa:
                serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)[
                    "VirtualMFADevice"]["SerialNumber"]
                iam.enable_mfa_device(UserName=name, SerialNumber=serial,
                                      AuthenticationCode1="123456", AuthenticationCode2="654321")
                mfa_devices.append({"serial": serial, "user": name, "enabled": True})
            for g in in_groups:
                iam.add_user_to_group(GroupName=groups[g]["name"], UserName=name)
                groups[g]["members"].append(name)
            for a in managed:
                attach("user", name, a)
            inline_names = []
            if inline:
                pname = f"{short}-inline"
                iam.put_user_policy(UserName=name, PolicyName=pname, PolicyDocument=doc(
                    [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                      "Resource": f"arn:aws:s3:::{PREFIX}-*/*"}]))
                inline_names.append(pname)
            out["users"].append({
                "name": name, "arn": arn, "console_password": console, "mfa": mfa,
                "mfa_serial": serial, "access_keys": key_facts,
                "active_access_keys": sum(1 for k in key_facts if k["status"] == "Active"),
                "groups": [groups[g]["name"] for g in in_groups],
                "attached_policies": managed, "inline_policies": inline_names,
            })
        # One virtual MFA device assigned to nobody.
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{PREFIX}-unassigned")[
            "VirtualMFADevice"]["SerialNumber"]
        mfa_devices.append({"serial": serial, "user": None, "enabled": False})
        out["groups"] = list(groups.values())
        out["mfa_devices"] = mfa_devices

        # Roles.
        def trust(principal, condition=None, action="sts:AssumeRole"):
            s = {"Effect": "Allow", "Principal": principal, "Action": action}
            if condition:
                s["Condition"] = condition
            return [s]

        saml_arns = self.seed_saml(iam)
        role_specs = [
            # short, trust statements, trust kind, managed, inline, instance profile
            ("any-principal", trust({"AWS": "*"}), "any-principal", [pol["ec2-describe"]], False, False),
            ("cross-account-extid", trust({"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                                          {"StringEquals": {"sts:ExternalId": "lgp-demo-external-id"}}),
             "cross-account-external-id", [aws_policy + "ReadOnlyAccess"], False, False),
            ("cross-account-noextid", trust({"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}),
             "cross-account", [aws_policy + "AdministratorAccess"], False, False),
            ("ec2-app", trust({"Service": "ec2.amazonaws.com"}), "service:ec2.amazonaws.com",
             [pol["s3-read-app"]], False, True),
            ("ec2-admin", trust({"Service": "ec2.amazonaws.com"}), "service:ec2.amazonaws.com",
             [pol["full-admin"]], False, True),
            ("lambda-exec", trust({"Service": "lambda.amazonaws.com"}), "service:lambda.amazonaws.com",
             [aws_policy + "service-role/AWSLambdaBasicExecutionRole"], False, False),
            ("s3-replication", trust({"Service": "s3.amazonaws.com"}), "service:s3.amazonaws.com",
             [], True, False),
            ("flow-logs", trust({"Service": "vpc-flow-logs.amazonaws.com"}),
             "service:vpc-flow-logs.amazonaws.com", [pol["logs-write"]], False, False),
            ("saml-federated", trust({"Federated": saml_arns[0]["arn"]},
                                     {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
                                     "sts:AssumeRoleWithSAML"),
             "saml", [aws_policy + "ReadOnlyAccess"], False, False),
            ("admin-assumable", trust({"AWS": f"arn:aws:iam::{acct}:root"}), "same-account",
             [pol["full-admin"]], False, False),
            ("readonly", trust({"AWS": f"arn:aws:iam::{acct}:root"}), "same-account",
             [aws_policy + "ReadOnlyAccess"], False, False),
            ("ecs-task", trust({"Service": "ecs-tasks.amazonaws.com"}), "service:ecs-tasks.amazonaws.com",
             [pol["passrole-any"]], False, False),
            ("batch-worker", trust({"Service": "ec2.amazonaws.com"}), "service:ec2.amazonaws.com",
             [pol["ec2-describe"]], False, True),
            ("unused-legacy", trust({"AWS": f"arn:aws:iam::{acct}:user/{PREFIX}-user-frank-legacy"}),
             "same-account", [], False, False),
        ]
        roles = {}
        for short, statements, kind, managed, inline, profile in role_specs:
            name = f"{PREFIX}-role-{short}"
            arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc(statements),
                                  Tags=[{"Key": "project", "Value": PREFIX}])["Role"]["Arn"]
            for a in managed:
                attach("role", name, a)
            inline_names = []
            if inline:
                iam.put_role_policy(RoleName=name, PolicyName="replication", PolicyDocument=doc([
                    {"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket",
                                                   "s3:GetObjectVersion*", "s3:Replicate*"],
                     "Resource": "*"}]))
                inline_names.append("replication")
            ip_arn = None
            if profile:
                ip_name = f"{PREFIX}-profile-{short}"
                ip_arn = iam.create_instance_profile(InstanceProfileName=ip_name)["InstanceProfile"]["Arn"]
                iam.add_role_to_instance_profile(InstanceProfileName=ip_name, RoleName=name)
                out["instance_profiles"].append({"name": ip_name, "arn": ip_arn, "role": name})
            facts = {"name": name, "arn": arn, "trust": kind, "attached_policies": managed,
                     "inline_policies": inline_names, "instance_profile": ip_arn}
            if kind == "cross-account-external-id":
                facts["external_id"] = "lgp-demo-external-id"
            roles[short] = facts
            out["roles"].append(facts)
        for p in out["policies"]:
            p["attached"] = p["arn"] in attached_arns

        # Account password policy: weak-ish on purpose.
        password_policy = {
            "MinimumPasswordLength": 8, "RequireSymbols": False, "RequireNumbers": True,
            "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": True,
            "AllowUsersToChangePassword": True, "HardExpiry": False,
        }
        iam.update_account_password_policy(**password_policy)
        password_policy.update({"MaxPasswordAge": None, "PasswordReusePrevention": None})
        out["password_policy"] = password_policy

        out["server_certificates"] = self.seed_certificates(iam)
        out["saml_providers"] = saml_arns
        self.m["iam"] = out
        self.roles = roles
        self.policies = pol

    def seed_saml(self, iam):
        arns = []
        for short, entity in [("okta", "http://www.okta.com/exk-demo"),
                              ("azuread", "https://sts.windows.net/00000000-demo/")]:
            metadata = (
                '<?xml version="1.0"?><md:EntityDescriptor '
                'xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
                f'entityID="{entity}"><md:IDPSSODescriptor '
                'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
                '<md:KeyDescriptor use="signing"><ds:KeyInfo '
                'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>'
                # A placeholder, not a real certificate: the API wants >= 1,000 characters.
                + "MIIDemo" + "A" * 900 + "=="
                + '</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>'
                '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
                f'Location="{entity}sso"/></md:IDPSSODescriptor></md:EntityDescriptor>'
            )
            name = f"{PREFIX}-{short}"
            arns.append({"name": name, "arn": iam.create_saml_provider(
                Name=name, SAMLMetadataDocument=metadata)["SAMLProviderArn"], "entity_id": entity})
        return arns

    def seed_certificates(self, iam):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        out = []
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        specs = [
            ("expired", datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc),
             datetime.datetime(2021, 1, 1, tzinfo=datetime.timezone.utc)),
            ("valid", datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
             datetime.datetime(2036, 1, 1, tzinfo=datetime.timezone.utc)),
        ]
        for short, not_before, not_after in specs:
            key = ec.generate_private_key(ec.SECP256R1())
            subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                                    f"{short}.demo.lgp.example")])
            cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                    .public_key(key.public_key()).serial_number(1000 + len(out))
                    .not_valid_before(not_before).not_valid_after(not_after)
                    .sign(key, hashes.SHA256()))
            name = f"{PREFIX}-cert-{short}"
            meta = iam.upload_server_certificate(
                ServerCertificateName=name,
                CertificateBody=cert.public_bytes(serialization.Encoding.PEM).decode(),
                PrivateKey=key.private_bytes(serialization.Encoding.PEM,
                                             serialization.PrivateFormat.TraditionalOpenSSL,
                                             serialization.NoEncryption()).decode(),
            )["ServerCertificateMetadata"]
            out.append({"name": name, "arn": meta["Arn"], "id": meta["ServerCertificateId"],
                        "expired": not_after < now, "not_before": not_before.isoformat(),
                        "not_after": not_after.isoformat(),
                        "listed_expiration": meta["Expiration"].astimezone(datetime.timezone.utc).isoformat()})
            if meta["Expiration"] != not_after:
                self.note(f"{name}: the emulator lists Expiration {meta['Expiration'].isoformat()}, "
                          f"not the certificate's notAfter {not_after.isoformat()}")
        return out

    # ------------------------------------------------------------------ EC2 (per region)

    def seed_ec2(self, region):
        ec2 = self.client("ec2", region)
        s = SHORT[region]
        facts = self.facts[region]
        r = {}
        # Turned on after the volumes exist (below), as on an account that enabled it late: the
        # older volumes stay unencrypted.
        encrypt_by_default = region == "us-east-1"

        def nm(x):
            return f"{PREFIX}-{s}-{x}"

        # VPCs and subnets.
        default_vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
        default_subnets = sorted(
            ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default_vpc]}])["Subnets"],
            key=lambda x: x["AvailabilityZone"])
        vpcs = {"default": default_vpc}
        subnets = {"default": default_subnets[0]["SubnetId"]}
        az = default_subnets[0]["AvailabilityZone"]
        for i, short in enumerate(["prod", "staging", "dev", "sandbox", "legacy"]):
            cidr = f"10.{(i + 1) * 10}.0.0/16"
            vid = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=tag_spec("vpc", nm(short)))["Vpc"]["VpcId"]
            vpcs[short] = vid
            subnets[short] = ec2.create_subnet(
                VpcId=vid, CidrBlock=f"10.{(i + 1) * 10}.1.0/24", AvailabilityZone=az,
                TagSpecifications=tag_spec("subnet", nm(short + "-a")))["Subnet"]["SubnetId"]
            facts[vid] = {"name": nm(short), "cidr": cidr}
        facts[default_vpc] = {"name": None}

        # Flow logs: prod (S3 and CloudWatch Logs), staging (S3); dev, sandbox, legacy, default: none.
        flow_bucket = self.bucket(f"flowlogs-{s}")
        self.client("s3", region).create_bucket(Bucket=flow_bucket, **self.location(region))
        self.pending_buckets.append((flow_bucket, region))
        logs = self.client("logs", region)
        logs.create_log_group(logGroupName=f"/{PREFIX}/flow-logs")
        flow_logs = []
        for short, dest_type in [("prod", "s3"), ("prod", "cloud-watch-logs"), ("staging", "s3")]:
            kw = {"LogDestinationType": dest_type}
            if dest_type == "s3":
                kw["LogDestination"] = f"arn:aws:s3:::{flow_bucket}"
            else:
                kw["LogGroupName"] = f"/{PREFIX}/flow-logs"
                kw["DeliverLogsPermissionArn"] = self.roles["flow-logs"]["arn"]
            res = ec2.create_flow_logs(ResourceIds=[vpcs[short]], ResourceType="VPC",
                                       TrafficType="ALL", **kw)
            if res.get("Unsuccessful"):
                raise RuntimeError(f"create_flow_logs failed: {res['Unsuccessful']}")
            flow_logs.append({"id": res["FlowLogIds"][0], "vpc_id": vpcs[short],
                              "destination_type": dest_type})
        r["flow_logs"] = flow_logs
        with_flow_logs = {f["vpc_id"] for f in flow_logs}

        # Security groups: (short, vpc, rules, facts). Rules as (proto, from, to, cidr4s, cidr6s, sg refs).
        sg_specs = [
            ("ssh-open-world", "default", [("tcp", 22, 22, [WORLD4], [WORLD6], [])]),
            ("rdp-open-world", "default", [("tcp", 3389, 3389, [WORLD4], [], [])]),
            ("all-open-world", "staging", [("-1", None, None, [WORLD4], [WORLD6], [])]),
            ("all-tcp-open-world", "dev", [("tcp", 0, 65535, [WORLD4], [], [])]),
            ("web-public", "default", [("tcp", 80, 80, [WORLD4], [WORLD6], []),
                                       ("tcp", 443, 443, [WORLD4], [WORLD6], [])]),
            ("ssh-office", "prod", [("tcp", 22, 22, [OFFICE], [], [])]),
            ("web-prod", "prod", [("tcp", 443, 443, [WORLD4], [], [])]),
            ("app-from-web", "prod", [("tcp", 8080, 8080, [], [], ["web-prod"])]),
            ("db-from-app", "prod", [("tcp", 5432, 5432, [], [], ["app-from-web"])]),
            ("mysql-open-ipv6", "dev", [("tcp", 3306, 3306, [], [WORLD6], [])]),
            ("rdp-vpn-only", "staging", [("tcp", 3389, 3389, ["10.0.0.0/8"], [], [])]),
            ("no-ingress", "sandbox", []),
            ("redis-internal", "prod", [("tcp", 6379, 6379, ["10.10.0.0/16"], [], [])]),
            ("legacy-ftp-open", "legacy", [("tcp", 20, 21, [WORLD4], [], [])]),
        ]
        sgs = {}
        for short, vpc, rules in sg_specs:
            gid = ec2.create_security_group(
                GroupName=nm(short), Description=f"demo {short}", VpcId=vpcs[vpc],
                TagSpecifications=tag_spec("security-group", nm(short)))["GroupId"]
            sgs[short] = gid
            perms, world, rule_facts = [], [], []
            for proto, lo, hi, c4, c6, refs in rules:
                p = {"IpProtocol": proto}
                if lo is not None:
                    p["FromPort"], p["ToPort"] = lo, hi
                if c4:
                    p["IpRanges"] = [{"CidrIp": c} for c in c4]
                if c6:
                    p["Ipv6Ranges"] = [{"CidrIpv6": c} for c in c6]
                if refs:
                    p["UserIdGroupPairs"] = [{"GroupId": sgs[x]} for x in refs]
                perms.append(p)
                port = {"protocol": proto, "from_port": lo, "to_port": hi}
                rule_facts.append({**port, "cidrs": c4 + c6, "security_groups": [sgs[x] for x in refs]})
                if WORLD4 in c4 or WORLD6 in c6:
                    world.append({**port, "ipv4": WORLD4 in c4, "ipv6": WORLD6 in c6})
            if perms:
                ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=perms)
            facts[gid] = {"name": nm(short), "vpc_id": vpcs[vpc], "ingress": rule_facts,
                          "open_to_world": world, "default": False}

        # Network ACLs.
        nacl_specs = [("ssh-open", "prod", [(100, "6", 22, 22, WORLD4, "allow")]),
                      ("https-internal", "staging", [(100, "6", 443, 443, "10.0.0.0/8", "allow"),
                                                     (200, "-1", None, None, WORLD4, "deny")])]
        for short, vpc, entries in nacl_specs:
            nid = ec2.create_network_acl(VpcId=vpcs[vpc], TagSpecifications=tag_spec(
                "network-acl", nm(short)))["NetworkAcl"]["NetworkAclId"]
            ssh_world = all_world = False
            for num, proto, lo, hi, cidr, action in entries:
                kw = {"PortRange": {"From": lo, "To": hi}} if lo is not None else {}
                ec2.create_network_acl_entry(NetworkAclId=nid, RuleNumber=num, Protocol=proto,
                                             RuleAction=action, Egress=False, CidrBlock=cidr, **kw)
                if action == "allow" and cidr == WORLD4 and proto in ("6", "-1") and (lo is None or lo <= 22 <= hi):
                    ssh_world = True
                if action == "allow" and cidr == WORLD4 and proto == "-1":
                    all_world = True
            facts[nid] = {"name": nm(short), "vpc_id": vpcs[vpc], "default": False,
                          "allows_ssh_from_world": ssh_world, "allows_all_from_world": all_world}

        # Instances: short, subnet, IMDS tokens, public ip (None: subnet default), profile role,
        # user data, security groups.
        ami = "ami-03cf127a"
        benign = "#!/bin/bash\nyum install -y nginx\nsystemctl enable --now nginx\n"
        secret = f"#!/bin/bash\nexport {FAKE_SECRET}\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n/opt/app/run\n"
        inst_specs = [
            ("web-1", "default", "optional", None, None, benign, ["web-public", "ssh-open-world"]),
            ("web-2", "default", "required", None, "ec2-app", benign, ["web-public"]),
            ("bastion", "default", "optional", None, None, None, ["ssh-open-world"]),
            ("rdp-jump", "default", "optional", None, None, None, ["rdp-open-world"]),
            ("app-1", "prod", "required", None, "ec2-app", None, ["app-from-web"]),
            ("app-secret", "prod", "optional", None, "ec2-app", secret, ["app-from-web"]),
            ("db-1", "prod", "required", None, None, None, ["db-from-app"]),
            ("admin-box", "staging", "optional", True, "ec2-admin", None, ["all-open-world"]),
            ("worker-1", "dev", "required", None, "batch-worker", benign, ["mysql-open-ipv6"]),
            ("sandbox-1", "sandbox", "required", None, None, None, ["no-ingress"]),
        ]
        instances = {}
        for short, sub, tokens, public, role, user_data, groups in inst_specs:
            kw = {}
            if public is None:
                kw["SubnetId"] = subnets[sub]
                kw["SecurityGroupIds"] = [sgs[g] for g in groups]
            else:
                kw["NetworkInterfaces"] = [{"DeviceIndex": 0, "SubnetId": subnets[sub],
                                            "AssociatePublicIpAddress": public,
                                            "Groups": [sgs[g] for g in groups]}]
            if role:
                kw["IamInstanceProfile"] = {"Arn": self.roles[role]["instance_profile"]}
            if user_data:
                kw["UserData"] = user_data
            inst = ec2.run_instances(
                ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"},
                TagSpecifications=tag_spec("instance", nm(short)), **kw)["Instances"][0]
            iid = inst["InstanceId"]
            instances[short] = iid
            facts[iid] = {"name": nm(short), "imdsv2_required": tokens == "required",
                          "instance_profile": self.roles[role]["instance_profile"] if role else None,
                          "user_data": user_data is not None,
                          "user_data_secret": user_data is not None and FAKE_SECRET in user_data,
                          "security_groups": [sgs[g] for g in groups], "subnet": sub}

        # EBS volumes: 4 encrypted, 4 not; two attached.
        vols = {}
        for short, enc, size, attach_to in [
            ("data-enc-1", True, 10, "app-1"), ("data-enc-2", True, 20, None),
            ("data-enc-3", True, 5, None), ("logs-enc", True, 8, None),
            ("data-plain-1", False, 10, "db-1"), ("data-plain-2", False, 30, None),
            ("scratch-plain", False, 4, None), ("old-plain", False, 1, None),
        ]:
            kw = {"Encrypted": True} if enc else {}
            vid = ec2.create_volume(AvailabilityZone=az, Size=size, VolumeType="gp3",
                                    TagSpecifications=tag_spec("volume", nm(short)), **kw)["VolumeId"]
            vols[short] = vid
            if attach_to:
                ec2.attach_volume(VolumeId=vid, InstanceId=instances[attach_to], Device="/dev/sdf")
            facts[vid] = {"name": nm(short), "attached_to": instances.get(attach_to)}

        # Snapshots: public, shared with another account, private (two), encrypted private.
        snap_specs = [("public", "data-plain-2", "public"), ("shared", "data-plain-1", "shared"),
                      ("private", "scratch-plain", "private"), ("private-enc", "data-enc-2", "private"),
                      ("backup-enc", "logs-enc", "private")]
        for short, vol, mode in snap_specs:
            sid = ec2.create_snapshot(VolumeId=vols[vol], Description=f"demo {short}",
                                      TagSpecifications=tag_spec("snapshot", nm("snap-" + short)))["SnapshotId"]
            if mode == "public":
                ec2.modify_snapshot_attribute(SnapshotId=sid, Attribute="createVolumePermission",
                                              OperationType="add", GroupNames=["all"])
            elif mode == "shared":
                ec2.modify_snapshot_attribute(SnapshotId=sid, Attribute="createVolumePermission",
                                              OperationType="add", UserIds=[OTHER_ACCOUNT])
            facts[sid] = {"name": nm("snap-" + short), "volume_id": vols[vol],
                          "public": mode == "public",
                          "shared_with": [OTHER_ACCOUNT] if mode == "shared" else []}

        # AMIs from instances: one public, one shared, one private.
        for short, inst, mode in [("web-public", "web-1", "public"), ("app-shared", "app-1", "shared"),
                                  ("db-private", "db-1", "private")]:
            iid = ec2.create_image(InstanceId=instances[inst], Name=nm("ami-" + short),
                                   Description=f"demo {short}")["ImageId"]
            if mode == "public":
                ec2.modify_image_attribute(ImageId=iid, LaunchPermission={"Add": [{"Group": "all"}]})
            elif mode == "shared":
                ec2.modify_image_attribute(ImageId=iid, LaunchPermission={"Add": [{"UserId": OTHER_ACCOUNT}]})
            ec2.create_tags(Resources=[iid], Tags=tags(nm("ami-" + short)))
            facts[iid] = {"name": nm("ami-" + short), "public": mode == "public",
                          "shared_with": [OTHER_ACCOUNT] if mode == "shared" else [],
                          "source_instance": instances[inst]}

        # Launch templates.
        def b64(t):
            return base64.b64encode(t.encode()).decode()

        for short, tokens, public, user_data in [
            ("imdsv1-public", "optional", True, benign), ("imdsv2-private", "required", False, None),
            ("no-metadata-options", None, None, None), ("secret-userdata", "required", False, secret),
            ("web-fleet", "optional", False, benign),
        ]:
            data = {"ImageId": ami, "InstanceType": "t3.micro"}
            if tokens:
                data["MetadataOptions"] = {"HttpTokens": tokens, "HttpEndpoint": "enabled"}
            if public is not None:
                data["NetworkInterfaces"] = [{"DeviceIndex": 0, "AssociatePublicIpAddress": public,
                                              "SubnetId": subnets["default"]}]
            if user_data:
                data["UserData"] = b64(user_data)
            lt = ec2.create_launch_template(LaunchTemplateName=nm("lt-" + short), LaunchTemplateData=data,
                                            TagSpecifications=tag_spec("launch-template", nm("lt-" + short)))
            lid = lt["LaunchTemplate"]["LaunchTemplateId"]
            facts[lid] = {"name": nm("lt-" + short),
                          # An unset HttpTokens defaults to optional (IMDSv1 allowed).
                          "imdsv2_required": tokens == "required",
                          "associate_public_ip": bool(public), "user_data": user_data is not None,
                          "user_data_secret": user_data is not None and FAKE_SECRET in user_data}

        # Extra network interfaces.
        enis = {}
        for short, sub, groups, attach_to in [("spare-1", "prod", ["app-from-web"], None),
                                              ("spare-2", "dev", ["mysql-open-ipv6"], None),
                                              ("app-1-secondary", "prod", ["app-from-web"], "app-1"),
                                              ("eip-holder", "default", ["web-public"], None)]:
            eid = ec2.create_network_interface(
                SubnetId=subnets[sub], Groups=[sgs[g] for g in groups], Description=f"demo {short}",
                TagSpecifications=tag_spec("network-interface", nm("eni-" + short)))["NetworkInterface"]["NetworkInterfaceId"]
            enis[short] = eid
            if attach_to:
                ec2.attach_network_interface(NetworkInterfaceId=eid, InstanceId=instances[attach_to],
                                             DeviceIndex=1)
            facts[eid] = {"name": nm("eni-" + short), "extra": True,
                          "attached_to": instances.get(attach_to)}

        # Elastic IPs: two on instances, one on an ENI, two unattached.
        for short, target in [("bastion", ("i", "bastion")), ("rdp-jump", ("i", "rdp-jump")),
                              ("eni", ("n", "eip-holder")), ("unused-1", None), ("unused-2", None)]:
            alloc = ec2.allocate_address(Domain="vpc", TagSpecifications=tag_spec("elastic-ip", nm("eip-" + short)))
            aid = alloc["AllocationId"]
            attached = None
            if target and target[0] == "i":
                ec2.associate_address(AllocationId=aid, InstanceId=instances[target[1]])
                attached = instances[target[1]]
            elif target:
                ec2.associate_address(AllocationId=aid, NetworkInterfaceId=enis[target[1]])
                attached = enis[target[1]]
            facts[aid] = {"name": nm("eip-" + short), "public_ip": alloc["PublicIp"],
                          "associated_with": attached}

        if encrypt_by_default:
            ec2.enable_ebs_encryption_by_default()
        r["_vpcs"] = vpcs
        r["_with_flow_logs"] = with_flow_logs
        self.m["ec2"][region] = r

    def describe_ec2(self, region):
        """Replaces the region's EC2 section by what the emulator lists, with the known facts."""
        ec2 = self.client("ec2", region)
        facts = self.facts[region]
        r = self.m["ec2"][region]
        with_flow_logs = r.pop("_with_flow_logs")
        r.pop("_vpcs")
        out = {"ebs_encryption_by_default": ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"],
               "flow_logs": r["flow_logs"]}

        out["vpcs"] = [{"id": v["VpcId"], "name": name_of(v.get("Tags")), "cidr": v["CidrBlock"],
                        "default": v.get("IsDefault", False), "flow_logs": v["VpcId"] in with_flow_logs}
                       for v in ec2.describe_vpcs()["Vpcs"]]

        sgs = []
        for g in ec2.describe_security_groups()["SecurityGroups"]:
            f = facts.get(g["GroupId"])
            if f is None:  # a VPC's default group: what the emulator made.
                world = []
                for p in g.get("IpPermissions", []):
                    c4 = WORLD4 in [x["CidrIp"] for x in p.get("IpRanges", [])]
                    c6 = WORLD6 in [x["CidrIpv6"] for x in p.get("Ipv6Ranges", [])]
                    if c4 or c6:
                        world.append({"protocol": p["IpProtocol"], "from_port": p.get("FromPort"),
                                      "to_port": p.get("ToPort"), "ipv4": c4, "ipv6": c6})
                f = {"name": g["GroupName"], "vpc_id": g.get("VpcId"), "default": g["GroupName"] == "default",
                     "open_to_world": world, "ingress": None}
            sgs.append({"id": g["GroupId"], **f})
        out["security_groups"] = sgs

        nacls = []
        for n in ec2.describe_network_acls()["NetworkAcls"]:
            f = facts.get(n["NetworkAclId"])
            if f is None:
                # Default ACLs allow all traffic from anywhere (rule 100), as on AWS.
                allows = any(not e["Egress"] and e["RuleAction"] == "allow"
                             and e.get("CidrBlock") == WORLD4 and e["Protocol"] == "-1"
                             for e in n["Entries"])
                f = {"name": None, "vpc_id": n["VpcId"], "default": n.get("IsDefault", False),
                     "allows_ssh_from_world": allows, "allows_all_from_world": allows}
            nacls.append({"id": n["NetworkAclId"], **f})
        out["network_acls"] = nacls

        insts = []
        for res in ec2.describe_instances()["Reservations"]:
            for i in res["Instances"]:
                f = facts[i["InstanceId"]]
                tokens = i.get("MetadataOptions", {}).get("HttpTokens")
                if (tokens == "required") != f["imdsv2_required"]:
                    self.note(f"{f['name']}: the emulator reports HttpTokens={tokens}")
                insts.append({"id": i["InstanceId"], "name": f["name"],
                              "imdsv2_required": f["imdsv2_required"],
                              "public_ip": i.get("PublicIpAddress"),
                              "instance_profile": f["instance_profile"],
                              "user_data": f["user_data"], "user_data_secret": f["user_data_secret"],
                              "security_groups": f["security_groups"], "subnet_id": i["SubnetId"],
                              "vpc_id": i["VpcId"]})
        out["instances"] = insts

        vols = []
        for v in ec2.describe_volumes()["Volumes"]:
            f = facts.get(v["VolumeId"], {"name": None})
            att = [a["InstanceId"] for a in v.get("Attachments", [])]
            vols.append({"id": v["VolumeId"], "name": f["name"], "encrypted": v["Encrypted"],
                         "size": v["Size"], "attached_to": att[0] if att else None,
                         "root": f["name"] is None})
        out["volumes"] = vols

        snaps = []
        for sn in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]:
            f = facts.get(sn["SnapshotId"], {"name": None, "public": False, "shared_with": []})
            if f["name"] is not None:
                perms = ec2.describe_snapshot_attribute(
                    SnapshotId=sn["SnapshotId"], Attribute="createVolumePermission")["CreateVolumePermissions"]
                if ({"Group": "all"} in perms) != f["public"] or sorted(
                        p["UserId"] for p in perms if "UserId" in p) != f["shared_with"]:
                    self.note(f"{f['name']}: the emulator reports createVolumePermission {perms}")
            snaps.append({"id": sn["SnapshotId"], "name": f["name"], "volume_id": sn["VolumeId"],
                          "encrypted": sn["Encrypted"], "public": f["public"],
                          "shared_with": f["shared_with"], "from_ami": f["name"] is None})
        out["snapshots"] = snaps

        imgs = []
        for im in ec2.describe_images(Owners=["self"])["Images"]:
            f = facts[im["ImageId"]]
            if im.get("Public", False) != f["public"]:
                self.note(f"{f['name']}: the emulator reports Public={im.get('Public')}")
            imgs.append({"id": im["ImageId"], "name": f["name"], "public": f["public"],
                         "shared_with": f["shared_with"], "source_instance": f["source_instance"]})
        out["images"] = imgs

        out["launch_templates"] = [
            {"id": lt["LaunchTemplateId"], **facts[lt["LaunchTemplateId"]]}
            for lt in ec2.describe_launch_templates()["LaunchTemplates"]]

        out["elastic_ips"] = [{"allocation_id": a["AllocationId"], **facts[a["AllocationId"]]}
                              for a in ec2.describe_addresses()["Addresses"]]

        enis = []
        for n in ec2.describe_network_interfaces()["NetworkInterfaces"]:
            f = facts.get(n["NetworkInterfaceId"])
            if f is None:  # an instance's primary interface.
                f = {"name": None, "extra": False,
                     "attached_to": (n.get("Attachment") or {}).get("InstanceId")}
            enis.append({"id": n["NetworkInterfaceId"], **f})
        out["network_interfaces"] = enis
        self.m["ec2"][region] = out

    # ------------------------------------------------------------------ S3

    @staticmethod
    def location(region):
        if region == "us-east-1":
            return {}
        return {"CreateBucketConfiguration": {"LocationConstraint": region}}

    def seed_s3(self):
        acct = self.account_id
        e, w = "us-east-1", "eu-west-1"
        full_pab = {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
        partial_pab = {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                       "BlockPublicPolicy": False, "RestrictPublicBuckets": False}

        def public_read(b):
            return doc([{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                         "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{b}/*"}])

        def deny_insecure(b):
            return doc([{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
                         "Action": "s3:*", "Resource": [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"],
                         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}])

        def cross_account(b):
            return doc([{"Sid": "PartnerAccess", "Effect": "Allow",
                         "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                         "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::{b}/*"}])

        kms = {e: f"arn:aws:kms:{e}:{acct}:key/11111111-2222-3333-4444-555555555555",
               w: f"arn:aws:kms:{w}:{acct}:key/66666666-7777-8888-9999-000000000000"}
        logs = {e: self.bucket("logs-use1"), w: self.bucket("logs-euw1")}

        # Queue and topic for notifications.
        sqs = self.client("sqs", e)
        qurl = sqs.create_queue(QueueName=f"{PREFIX}-s3-events")["QueueUrl"]
        qarn = sqs.get_queue_attributes(QueueUrl=qurl, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        tarn = self.client("sns", e).create_topic(Name=f"{PREFIX}-s3-events")["TopicArn"]
        self.m["s3"]["queues"] = [{"url": qurl, "arn": qarn}]
        self.m["s3"]["topics"] = [{"arn": tarn}]

        # name, region, settings
        B = [
            (logs[e], e, dict(acl="log-delivery-write", ownership="ObjectWriter", enc="AES256", pab=full_pab,
                              lifecycle=True)),
            (logs[w], w, dict(acl="log-delivery-write", ownership="ObjectWriter", enc="AES256", pab=full_pab)),
            (self.bucket("public-website"), e, dict(policy="public-read", tags={"purpose": "website"})),
            (self.bucket("public-acl"), e, dict(acl="public-read", ownership="ObjectWriter", enc="AES256")),
            (self.bucket("secure-data"), e, dict(enc="aws:kms", versioning="Enabled", logging=True, pab=full_pab,
                                              policy="deny-insecure-transport", ownership="BucketOwnerEnforced",
                                              lifecycle=True, tags={"env": "prod", "data": "confidential"})),
            (self.bucket("cross-account-share"), e, dict(enc="AES256", pab=full_pab, policy="cross-account",
                                                      ownership="BucketOwnerEnforced")),
            (self.bucket("versioning-suspended"), e, dict(enc="AES256", versioning="Suspended", pab=partial_pab)),
            (self.bucket("replication-source"), e, dict(enc="AES256", versioning="Enabled", pab=full_pab,
                                                     replicate_to=self.bucket("replica-euw1"), logging=True,
                                                     ownership="BucketOwnerEnforced")),
            (self.bucket("object-lock"), e, dict(enc="AES256", object_lock=True, pab=full_pab,
                                              ownership="BucketOwnerEnforced")),
            (self.bucket("events"), e, dict(enc="AES256", notifications=True, pab=full_pab)),
            (self.bucket("mfa-delete"), e, dict(enc="aws:kms", versioning="Enabled", mfa_delete=True, pab=full_pab)),
            (self.bucket("lifecycle-archive"), e, dict(enc="aws:kms", lifecycle=True, pab=partial_pab)),
            (self.bucket("unencrypted-plain"), e, dict()),
            (self.bucket("ownership-preferred"), e, dict(enc="AES256", ownership="BucketOwnerPreferred",
                                                      pab={"BlockPublicAcls": False, "IgnorePublicAcls": False,
                                                           "BlockPublicPolicy": True,
                                                           "RestrictPublicBuckets": True})),
            (self.bucket("tagged-prod"), e, dict(enc="AES256", versioning="Enabled", pab=full_pab,
                                              tags={"env": "prod", "owner": "platform"}, logging=True)),
            (self.bucket("replica-euw1"), w, dict(enc="aws:kms", versioning="Enabled", pab=full_pab,
                                               ownership="BucketOwnerEnforced")),
            (self.bucket("public-eu"), w, dict(policy="public-read", pab={"BlockPublicAcls": True,
                                                                          "IgnorePublicAcls": False,
                                                                          "BlockPublicPolicy": False,
                                                                          "RestrictPublicBuckets": False})),
            (self.bucket("eu-secure"), w, dict(enc="aws:kms", versioning="Enabled", logging=True, pab=full_pab,
                                            policy="deny-insecure-transport", ownership="BucketOwnerEnforced",
                                            tags={"env": "prod"})),
            (self.bucket("eu-unencrypted"), w, dict(tags={"env": "dev"})),
            (self.bucket("eu-suspended"), w, dict(enc="AES256", versioning="Suspended")),
        ]
        buckets = []
        for name, region, cfg in B:
            s3 = self.client("s3", region)
            kw = self.location(region)
            if cfg.get("object_lock"):
                kw["ObjectLockEnabledForBucket"] = True
            s3.create_bucket(Bucket=name, **kw)
            buckets.append((name, region, cfg))
        # Flow-log buckets (created with the VPCs): AES256 and a full public access block.
        for name, region in self.pending_buckets:
            buckets.append((name, region, dict(enc="AES256", pab=full_pab)))

        out = []
        for name, region, cfg in buckets:
            s3 = self.client("s3", region)
            f = {"name": name, "region": region, "arn": f"arn:aws:s3:::{name}",
                 "encryption": None, "kms_key_id": None, "versioning": None, "mfa_delete": False,
                 "logging_target": None, "public_access_block": None, "policy": None,
                 "acl": "private", "ownership": None, "lifecycle": False, "replication": None,
                 "object_lock": False, "notifications": [], "tags": {}}
            if cfg.get("ownership"):
                s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={
                    "Rules": [{"ObjectOwnership": cfg["ownership"]}]})
                f["ownership"] = cfg["ownership"]
            if cfg.get("acl"):
                s3.put_bucket_acl(Bucket=name, ACL=cfg["acl"])
                f["acl"] = cfg["acl"]
            if cfg.get("enc"):
                rule = {"SSEAlgorithm": cfg["enc"]}
                if cfg["enc"] == "aws:kms":
                    rule["KMSMasterKeyID"] = kms[region]
                    f["kms_key_id"] = kms[region]
                s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": rule,
                               "BucketKeyEnabled": cfg["enc"] == "aws:kms"}]})
                f["encryption"] = cfg["enc"]
            if cfg.get("object_lock"):
                s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
                    "ObjectLockEnabled": "Enabled",
                    "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}})
                f["object_lock"] = True
            if cfg.get("versioning"):
                s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": cfg["versioning"]})
            if cfg.get("mfa_delete"):
                try:
                    s3.put_bucket_versioning(Bucket=name, MFA="arn:aws:iam::mfa/root-account-mfa-device 123456",
                                             VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
                except ClientError as err:
                    self.note(f"MFA delete refused on {name}: {err.response['Error']['Code']}")
            got = s3.get_bucket_versioning(Bucket=name)
            f["versioning"] = got.get("Status")
            f["mfa_delete"] = got.get("MFADelete") == "Enabled"
            if cfg.get("mfa_delete") and not f["mfa_delete"]:
                self.note(f"MFA delete not kept on {name} (emulator ignores MFADelete)")
            if cfg.get("logging"):
                target = logs[region]
                s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": {
                    "TargetBucket": target, "TargetPrefix": f"{name}/"}})
                f["logging_target"] = target
            if cfg.get("policy"):
                make = {"public-read": public_read, "deny-insecure-transport": deny_insecure,
                        "cross-account": cross_account}[cfg["policy"]]
                s3.put_bucket_policy(Bucket=name, Policy=make(name))
                f["policy"] = cfg["policy"]
            if cfg.get("pab"):
                s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=cfg["pab"])
                f["public_access_block"] = cfg["pab"]
            if cfg.get("lifecycle"):
                s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [
                    {"ID": "archive", "Status": "Enabled", "Filter": {"Prefix": ""},
                     "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"},
                                     {"Days": 90, "StorageClass": "GLACIER"}],
                     "Expiration": {"Days": 365},
                     "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]})
                f["lifecycle"] = True
            if cfg.get("notifications"):
                s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={
                    "QueueConfigurations": [{"Id": "to-sqs", "QueueArn": qarn, "Events": ["s3:ObjectCreated:*"]}],
                    "TopicConfigurations": [{"Id": "to-sns", "TopicArn": tarn, "Events": ["s3:ObjectRemoved:*"]}]})
                f["notifications"] = [qarn, tarn]
            t = {"project": PREFIX, **cfg.get("tags", {})}
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in t.items()]})
            f["tags"] = t
            f["_cfg"] = cfg
            out.append(f)

        # Replication last: both buckets are versioned by now.
        for f in out:
            dest = f["_cfg"].get("replicate_to")
            if dest:
                role = self.roles["s3-replication"]["arn"]
                self.client("s3", f["region"]).put_bucket_replication(
                    Bucket=f["name"], ReplicationConfiguration={"Role": role, "Rules": [{
                        "ID": "to-eu", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
                        "DeleteMarkerReplication": {"Status": "Disabled"},
                        "Destination": {"Bucket": f"arn:aws:s3:::{dest}", "StorageClass": "STANDARD"}}]})
                f["replication"] = {"destination": f"arn:aws:s3:::{dest}", "role": role}

        # Account-level public access block: set, but partial (ACLs blocked for new puts only,
        # policies not), so the public buckets above stay effectively public.
        account_pab = {"BlockPublicAcls": True, "IgnorePublicAcls": False,
                       "BlockPublicPolicy": False, "RestrictPublicBuckets": False}
        s3control = self.client("s3control", e)
        prefixed = f"://{acct}."

        def unprefix(request, **_):
            # S3 Control's endpoint rules put the account id in front of the host
            # (123456789012.127.0.0.1), whatever inject_host_prefix says; the emulator is
            # reached by its address alone.
            request.url = request.url.replace(prefixed, "://", 1)

        s3control.meta.events.register_first("before-send.s3-control.*", unprefix)
        s3control.put_public_access_block(AccountId=acct, PublicAccessBlockConfiguration=account_pab)
        got = s3control.get_public_access_block(AccountId=acct)["PublicAccessBlockConfiguration"]
        if got != account_pab:
            self.note(f"account public access block reads back as {got}")
        self.m["s3"]["account_public_access_block"] = account_pab

        for f in out:
            del f["_cfg"]
            pab = f["public_access_block"] or {}
            acct_ignore_acls = account_pab["IgnorePublicAcls"]
            acct_restrict = account_pab["RestrictPublicBuckets"]
            public_acl = f["acl"] in ("public-read", "public-read-write") and not (
                pab.get("IgnorePublicAcls") or acct_ignore_acls)
            public_policy = f["policy"] == "public-read" and not (
                pab.get("RestrictPublicBuckets") or acct_restrict)
            f["public_via_acl"] = public_acl
            f["public_via_policy"] = public_policy
            f["public"] = public_acl or public_policy
        out.sort(key=lambda x: x["name"])
        self.m["s3"]["buckets"] = out

    # ------------------------------------------------------------------ counts

    def count(self):
        by_kind = {}

        def put(kind, region, n):
            by_kind.setdefault(kind, {})[region] = n

        for region in REGIONS:
            r = self.m["ec2"][region]
            for kind, key in [("aws:ec2:instance", "instances"), ("aws:ec2:security-group", "security_groups"),
                              ("aws:ec2:network-acl", "network_acls"), ("aws:ec2:vpc", "vpcs"),
                              ("aws:ec2:flow-log", "flow_logs"), ("aws:ec2:volume", "volumes"),
                              ("aws:ec2:snapshot", "snapshots"), ("aws:ec2:image", "images"),
                              ("aws:ec2:launch-template", "launch_templates"),
                              ("aws:ec2:elastic-ip", "elastic_ips"),
                              ("aws:ec2:network-interface", "network_interfaces")]:
                put(kind, region, len(r[key]))
            put("aws:s3:bucket", region, sum(1 for b in self.m["s3"]["buckets"] if b["region"] == region))
        iam = self.m["iam"]
        for kind, key in [("aws:iam:user", "users"), ("aws:iam:group", "groups"), ("aws:iam:role", "roles"),
                          ("aws:iam:policy", "policies"), ("aws:iam:mfa-device", "mfa_devices"),
                          ("aws:iam:server-certificate", "server_certificates"),
                          ("aws:iam:saml-provider", "saml_providers")]:
            put(kind, "global", len(iam[key]))
        by_region = {}
        for kind, regions in by_kind.items():
            for region, n in regions.items():
                by_region[region] = by_region.get(region, 0) + n
        self.m["counts"] = {"total": sum(by_region.values()), "by_region": by_region, "by_kind": by_kind}

    def verify_iam_counts(self):
        """Cross-checks the IAM lists against what the emulator lists."""
        iam = self.client("iam", "us-east-1")
        listed = {
            "users": len(iam.list_users()["Users"]),
            "groups": len(iam.list_groups()["Groups"]),
            "roles": len(iam.list_roles()["Roles"]),
            "policies": len(iam.list_policies(Scope="Local")["Policies"]),
            "mfa_devices": len(iam.list_virtual_mfa_devices()["VirtualMFADevices"]),
            "server_certificates": len(iam.list_server_certificates()["ServerCertificateMetadataList"]),
            "saml_providers": len(iam.list_saml_providers()["SAMLProviderList"]),
        }
        for key, n in listed.items():
            if n != len(self.m["iam"][key]):
                self.note(f"IAM {key}: the emulator lists {n}, the seed made {len(self.m['iam'][key])}")
        buckets = len(self.client("s3", "us-east-1").list_buckets()["Buckets"])
        if buckets != len(self.m["s3"]["buckets"]):
            self.note(f"S3: the emulator lists {buckets} buckets, the seed made {len(self.m['s3']['buckets'])}")

    def run(self):
        t0 = time.monotonic()
        self.pending_buckets = []
        self.seed_iam()
        log(f"iam done {time.monotonic() - t0:.1f}s, {self.requests} requests")
        for region in REGIONS:
            self.seed_ec2(region)
            log(f"ec2 {region} done {time.monotonic() - t0:.1f}s, {self.requests} requests")
        self.seed_s3()
        log(f"s3 done {time.monotonic() - t0:.1f}s, {self.requests} requests")
        for region in REGIONS:
            self.describe_ec2(region)
        self.verify_iam_counts()
        self.count()
        self.m["notes"] = self.notes
        self.m["requests"] = self.requests
        self.m["seconds"] = round(time.monotonic() - t0, 2)
        log(f"total {self.m['seconds']}s, {self.requests} requests, {self.m['counts']['total']} resources")
        return self.m


def check_endpoint(url):
    u = urlparse(url)
    if u.scheme not in ("http", "https") or u.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"refusing to seed {url!r}: --endpoint-url must point at a local emulator "
                 "(http://127.0.0.1:PORT or http://localhost:PORT)")


def moto_api(endpoint, path):
    req = urllib.request.Request(endpoint.rstrip("/") + path, data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:
        resp.read()


def main(argv=None):
    global VERBOSE
    p = argparse.ArgumentParser(description="Seeds an AWS emulator with a mixed demo account.")
    p.add_argument("--endpoint-url", required=True, help="the emulator, e.g. http://127.0.0.1:5000")
    p.add_argument("--reset", action="store_true", help="reset the emulator first (POST /moto-api/reset)")
    p.add_argument("--seed", type=int, default=42,
                   help="with --reset, seed the emulator's id generator (POST /moto-api/seed?a=N)")
    p.add_argument("--account-id", help="seed this emulator account (moto's x-moto-account-id header)")
    p.add_argument("--manifest", help="write the manifest here instead of stdout")
    p.add_argument("--verbose", action="store_true", help="progress on stderr")
    args = p.parse_args(argv)
    VERBOSE = args.verbose
    check_endpoint(args.endpoint_url)
    if args.account_id and not (len(args.account_id) == 12 and args.account_id.isdigit()):
        sys.exit("--account-id must be 12 digits")
    if args.reset:
        moto_api(args.endpoint_url, "/moto-api/reset")
        moto_api(args.endpoint_url, f"/moto-api/seed?a={args.seed}")
    manifest = Seeder(args.endpoint_url, args.account_id).run()
    text = json.dumps(manifest, indent=1, sort_keys=False)
    if args.manifest:
        with open(args.manifest, "w") as fh:
            fh.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
