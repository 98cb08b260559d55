"""Locust's script for bench_public: people scanning shops' QR codes, each opening one of the
addresses in BENCH_PATHS_FILE (shops' public pages), one page a second per simulated person.
FastHttpUser: the load generator shares the machine's two cores with the server, and the plain
HttpUser (requests) spent several times the CPU per request."""

import os
import random

from locust import FastHttpUser, constant_throughput, task

with open(os.environ["BENCH_PATHS_FILE"], encoding="ascii") as handle:
    PATHS = handle.read().split()


class Scanner(FastHttpUser):
    wait_time = constant_throughput(1)

    @task
    def open_the_public_page(self):
        self.client.get(
            random.choice(PATHS), name="page", headers={"Accept-Language": "zh-CN,zh;q=0.9"}
        )
