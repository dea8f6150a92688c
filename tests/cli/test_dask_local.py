"""--scheduler local:N: the local cluster is shut down with its client (no leaked semaphores)."""

from __future__ import annotations

import pytest

distributed = pytest.importorskip("distributed")


def test_the_local_cluster_closes_with_its_client() -> None:
    from distributed.core import Status

    from carbonacct.cli.footprint import _dask_client

    with _dask_client("local:1") as client:
        cluster = client.cluster
        assert client.submit(sum, [1, 2]).result() == 3
    # a Client given a cluster does not close it: its worker processes (and their
    # semaphores) outlived the run, "leaked semaphore objects" at exit
    assert client.status == "closed"
    assert cluster.status == Status.closed
