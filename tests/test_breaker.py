"""The Redis circuit breaker (palace_portal.breaker): closed, open, one probe at a time."""

import threading

from palace_portal import breaker as breakers
from palace_portal.breaker import CircuitBreaker, redis_breaker


def test_a_failure_opens_it_and_calls_are_refused_until_the_period_ends(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(breakers.time, "monotonic", lambda: clock[0])
    breaker = CircuitBreaker("test", open_for=5)
    assert breaker.allow()
    breaker.failure()
    assert breaker.is_open
    assert not breaker.allow()
    clock[0] += 4.9
    assert not breaker.allow()
    clock[0] += 0.2
    assert breaker.allow()  # this thread probes
    breaker.success()
    assert not breaker.is_open
    assert breaker.allow()


def test_only_one_thread_probes_and_a_failed_probe_opens_it_again(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(breakers.time, "monotonic", lambda: clock[0])
    breaker = CircuitBreaker("test", open_for=5)
    breaker.failure()
    clock[0] += 6
    assert breaker.allow()  # the main thread claims the probe
    others = []
    thread = threading.Thread(target=lambda: others.append(breaker.allow()))
    thread.start()
    thread.join()
    assert others == [False]
    assert breaker.allow()  # the prober itself may go on (connect, then the command)
    breaker.failure()
    assert not breaker.allow()
    clock[0] += 5.1
    assert breaker.allow()


def test_the_cache_and_the_broker_on_one_server_share_one_breaker():
    assert redis_breaker("redis://127.0.0.1:6390/14") is redis_breaker("redis://127.0.0.1:6390/15")
    assert redis_breaker("redis://127.0.0.1:6390/0") is breakers.breaker_for_address("127.0.0.1", 6390)
    assert redis_breaker("redis://127.0.0.1:6390/0") is not redis_breaker("redis://127.0.0.1:6391/0")
