import asyncio

from bot.gateways.person_locks import PersonLocks


async def test_one_persons_messages_wait_in_order_and_the_lock_is_forgotten_after():
    locks, done = PersonLocks(), []

    async def message(person: str, n: int, seconds: float) -> None:
        async with locks.hold(person):
            await asyncio.sleep(seconds)
            done.append((person, n))

    first = asyncio.create_task(message("a", 1, 0.05))
    await asyncio.sleep(0)
    await asyncio.gather(message("a", 2, 0), message("b", 1, 0), first)
    assert done.index(("a", 1)) < done.index(("a", 2)) and done[0] == ("b", 1)  # b does not wait for a
    assert len(locks) == 0  # nothing kept for people with nothing in flight


async def test_thousands_of_people_leave_no_locks_behind():
    locks = PersonLocks()

    async def message(person: str) -> None:
        async with locks.hold(person):
            await asyncio.sleep(0)

    await asyncio.gather(*(message(f"p{i}") for i in range(5000)))
    assert len(locks) == 0
