"""The declared moves of an interaction and of a lottery; every door goes through them."""

from teams.transitions import Move, StateMachine

from .models import InteractionStatus, LotteryStatus

S = InteractionStatus
L = LotteryStatus

INTERACTION = StateMachine(
    name="interaction",
    states=InteractionStatus,
    moves=[
        # A reply sent from the inbox moves a new item to pending by itself.
        Move(S.NEW, S.PENDING, "interaction.reply"),
        Move(S.NEW, S.RESOLVED, "interaction.reply"),
        Move(S.PENDING, S.RESOLVED, "interaction.reply"),
        Move(S.PENDING, S.NEW, "interaction.reply"),
        Move(S.RESOLVED, S.PENDING, "interaction.reply"),
    ],
)

LOTTERY = StateMachine(
    name="lottery",
    states=LotteryStatus,
    moves=[
        Move(L.DRAFT, L.OPEN, "interaction.reply"),
        # Entries close by themselves at the announced time (beat), or by hand after it.
        Move(L.OPEN, L.CLOSED, "interaction.reply", automatic=True),
        Move(L.CLOSED, L.DRAWN, "interaction.reply"),
        Move(L.DRAFT, L.CANCELLED, "interaction.reply"),
        Move(L.OPEN, L.CANCELLED, "interaction.reply"),
        Move(L.CLOSED, L.CANCELLED, "interaction.reply"),
    ],
)
