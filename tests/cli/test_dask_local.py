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


def test_a_busy_dashboard_port_is_not_warned_about() -> None:
    """Port 8787 taken (another cluster, a notebook): the one-shot local cluster has no
    dashboard and its HTTP server takes a free port without a word."""
    import socket
    import warnings

    from carbonacct.cli.footprint import _dask_client

    with socket.socket() as busy:
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            busy.bind(("127.0.0.1", 8787))
            busy.listen()
        except OSError:
            pass  # taken already: the case itself
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            with _dask_client("local:1") as client:
                assert client.submit(sum, [1, 2]).result() == 3
                port = client.cluster.scheduler.http_server.port
    assert port != 8787
    assert not [w for w in said if "already in use" in str(w.message)]
