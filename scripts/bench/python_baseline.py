"""What a Python responder does before its first poll: import boto3, build the two clients
(App Mesh and DynamoDB), then ask the runtime API for work. The cold-start benchmark times this
against the Rust bootstrap, in the same run."""

import os
import urllib.request

import boto3

appmesh = boto3.client("appmesh")
dynamodb = boto3.client("dynamodb")
api = os.environ["AWS_LAMBDA_RUNTIME_API"]
urllib.request.urlopen(f"http://{api}/2018-06-01/runtime/invocation/next").read()
