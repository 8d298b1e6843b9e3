using AccountabilityDsl.Runtime;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>
/// Invariants of the reserve fast path: the reused calendar window start equals a full computation at every
/// instant, the struct-array in-memory ledger answers exactly like the SQLite ledger, and a capacity across customers
/// stays atomic under concurrency.
/// </summary>
public sealed class RuntimeFastPathTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fastpath-tests-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static TheoryData<string> Zones() => new()
    {
        "Europe/Berlin",
        "America/New_York",
        // DST changes at local midnight: the local day start is in a gap (spring) or repeated (autumn).
        "America/Santiago",
        "Asia/Beirut",
        "UTC",
    };

    [Theory]
    [MemberData(nameof(Zones))]
    public void Reused_calendar_window_start_equals_full_computation_at_every_instant(string zoneId)
    {
        var calendar = new ZoneCalendar(TimeZoneInfo.FindSystemTimeZoneById(zoneId));
        foreach (var unit in new[] { TimeUnit.Day, TimeUnit.Week, TimeUnit.Month, TimeUnit.Year })
        {
            foreach (var count in new[] { 1, 2 })
            {
                var window = new TimeWindow(count, unit, Calendar: true);
                ZoneCalendar.CachedWindow? cached = null;
                // Two years in steps of 17 minutes (not a divisor of an hour, so every minute offset is visited
                // around the transitions), the way ContactGate reuses the cached start.
                for (var t = T.Utc(2026, 1, 1); t < T.Utc(2028, 1, 1); t = t.AddMinutes(17))
                {
                    if (cached is null || !cached.Contains(t.UtcTicks))
                    {
                        cached = calendar.CalendarWindow(t, window);
                    }
                    cached.FromUtcTicks.ShouldBe(calendar.WindowFromTicks(t, window), $"{zoneId} {window} at {t:O}");
                }
            }
        }
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void In_memory_ledger_answers_like_sqlite_for_a_random_sequence_of_operations()
    {
        using var memory = new InMemoryContactLedger();
        using var sqlite = new SqliteContactLedger(Path.Combine(_dir, "diff.db"));
        var random = new Random(20261123);
        string[] customers = ["c1", "c2", "c3"];
        string[] channels = ["sms", "email"];
        string?[] offers = [null, "gold", "silver"];
        var now = T.Utc(2026, 3, 1).UtcTicks;
        var keys = new List<(string Customer, string Key)>();
        // The in-memory ledger's handles (kept from the reservation, possibly stale by the time they are used).
        var handles = new Dictionary<(string, string), ReservationRef>();
        for (var step = 0; step < 3000; step++)
        {
            // Mostly forward, sometimes backwards (callers' clocks disagree), so entries arrive out of order.
            now += random.Next(-30, 120) * TimeSpan.TicksPerMinute;
            var customer = customers[random.Next(customers.Length)];
            var op = random.Next(10);
            if (op < 5 || keys.Count == 0)
            {
                var key = "k" + random.Next(40);
                var entry = new LedgerEntry(customer, key, channels[random.Next(2)], offers[random.Next(3)],
                    random.Next(8) == 0 ? "transactional" : null, random.Next(8) != 0, now,
                    now + random.Next(1, 180) * TimeSpan.TicksPerMinute);
                CountConstraint[] constraints =
                [
                    new(new ContactFilter(customer, null, null, false), now - 2 * TimeSpan.TicksPerDay + 1, 12),
                    new(new ContactFilter(customer, null, null, true), now - TimeSpan.TicksPerDay + 1, 5),
                    new(new ContactFilter(null, entry.Channel, null, false), now - TimeSpan.TicksPerDay + 1, 25),
                ];
                var a = memory.TryReserve(entry, constraints, [], now);
                var b = sqlite.TryReserve(entry, constraints, [], now);
                a.Status.ShouldBe(b.Status, $"step {step}: reserve {customer}/{key}");
                a.DeniedConstraint.ShouldBe(b.DeniedConstraint, $"step {step}");
                if (a.Status != LedgerReserveStatus.Denied)
                {
                    a.Entry.ShouldBe(b.Entry, $"step {step}");
                    keys.Add((customer, key));
                    a.ReservationId.ShouldBe(b.ReservationId, $"step {step}");
                    handles[(customer, key)] = a.Reference;
                }
            }
            else
            {
                var (c, k) = keys[random.Next(keys.Count)];
                if (op < 8)
                {
                    memory.Commit(handles[(c, k)], now).ShouldBe(sqlite.Commit(handles[(c, k)] with { Hint = null }, now), $"step {step}: commit {c}/{k}");
                }
                else
                {
                    memory.Release(handles[(c, k)], now).ShouldBe(sqlite.Release(handles[(c, k)] with { Hint = null }, now), $"step {step}: release {c}/{k}");
                }
            }
            if (step % 400 == 399)
            {
                // Retention: both ledgers remove the same rows (old committed contacts, expired holds).
                memory.Prune(now - TimeSpan.TicksPerDay, now - TimeSpan.TicksPerHour)
                    .ShouldBe(sqlite.Prune(now - TimeSpan.TicksPerDay, now - TimeSpan.TicksPerHour), $"step {step}: prune");
            }
            if (step % 25 == 0)
            {
                foreach (var c in customers)
                {
                    foreach (var filter in new ContactFilter[] { new(c, null, null, false), new(c, "sms", null, false), new(c, null, "gold", false), new(c, null, null, true) })
                    {
                        var constraint = new CountConstraint(filter, now - TimeSpan.TicksPerDay + 1, 3);
                        memory.Measure(constraint, now).ShouldBe(sqlite.Measure(constraint, now), $"step {step}: {filter}");
                    }
                    for (var k = 0; k < 40; k++)
                    {
                        memory.Find(c, "k" + k).ShouldBe(sqlite.Find(c, "k" + k), $"step {step}: find {c}/k{k}");
                    }
                }
                var channel = new CountConstraint(new ContactFilter(null, "email", null, false), now - TimeSpan.TicksPerDay + 1, 4);
                memory.Measure(channel, now).ShouldBe(sqlite.Measure(channel, now), $"step {step}: channel");
            }
        }
    }

    [Fact]
    public void Channel_capacity_across_customers_is_never_exceeded_under_concurrency()
    {
        // 8 threads contact 64 customers (cap 3 per customer per day) through one channel with a daily capacity of
        // 100: exactly 100 grants in total, none of the customers above 3.
        const int capacity = 100;
        var clock = new ManualClock(T.Utc(2026, 5, 1, 12));
        var ledger = new InMemoryContactLedger();
        var gate = new ContactGate(
            T.Policy(limits: [T.Limit(LimitScope.Contacts, 3, 1, TimeUnit.Day)],
                capacities: [new ChannelCapacity("sms", capacity, TimeUnit.Day, T.Line(2))]),
            ledger, clock, T.Berlin);
        var perCustomer = new int[64];
        var granted = 0;
        using var start = new Barrier(8);
        var workers = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 20_000; i++)
            {
                var customer = (i * 7 + t) % 64;
                var r = gate.TryReserve(new ContactRequest("c" + customer, "sms"), $"t{t}-{i}");
                if (r.IsAllowed)
                {
                    Interlocked.Increment(ref granted);
                    Interlocked.Increment(ref perCustomer[customer]);
                    gate.Commit(r.Reservation!).ShouldBe(CommitOutcome.Committed);
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        granted.ShouldBe(capacity);
        perCustomer.ShouldAllBe(n => n <= 3);
        var decision = gate.Check(new ContactRequest("c-new", "sms"));
        decision.Kind.ShouldBe(RuleKind.Capacity);
        decision.CurrentCount.ShouldBe(capacity);
    }

    [Fact]
    public void Rules_applying_to_a_channel_and_offer_are_the_same_when_cached_per_combination()
    {
        // Every rule is "at most 0", so a request is denied by exactly the rules that apply to it; with more than
        // four rules the gate looks them up per (channel, offer) instead of filtering all of them.
        var policy = T.Policy(
            limits:
            [
                T.Limit(LimitScope.Offers, 0, 1, TimeUnit.Day, line: 1),
                T.Limit(LimitScope.Contacts, 0, 1, TimeUnit.Day, line: 2),
                T.Limit(LimitScope.Channel("sms"), 0, 1, TimeUnit.Day, line: 3),
                T.Limit(LimitScope.Channel("email"), 0, 1, TimeUnit.Week, line: 4),
                T.Limit(LimitScope.Offer("gold"), 0, 1, TimeUnit.Month, line: 5),
            ],
            capacities: [new ChannelCapacity("sms", 0, TimeUnit.Day, T.Line(6))]);
        var gate = new ContactGate(policy, new InMemoryContactLedger(), new ManualClock(T.Utc(2026, 5, 1)), T.Berlin);
        (ContactRequest Request, int[] Lines)[] cases =
        [
            (new("c1", "sms"), [2, 3, 6]),
            (new("c1", "sms", "gold"), [1, 2, 3, 5, 6]),
            (new("c1", "email", "silver"), [1, 2, 4]),
            (new("c1", "post", "gold"), [1, 2, 5]),
            (new("c1", "post"), [2]),
        ];
        for (var round = 0; round < 2; round++)
        {
            foreach (var (request, lines) in cases)
            {
                gate.Check(request).Denials.Select(d => d.Source.Line).ShouldBe(lines, $"{request}");
                gate.TryReserve(request, "k").Decision.Denials.Select(d => d.Source.Line).ShouldBe(lines, $"{request}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void The_quick_in_memory_decision_answers_like_the_full_path_for_a_random_stream(int seed)
    {
        // The in-memory gate answers "every rule holds" from the customer's and household's entry counts, each rule's
        // cap, the offer Bloom words and a count (QuickPlan); a gate over a wrapped ledger always builds every
        // constraint. Small caps, households, scopes, groups, never rules, consent and a calendar window put customers
        // at and around their caps, so both the quick answers and the fall-backs are exercised.
        string[] lending = ["loan", "card"];
        var policy = new ContactPolicy("quick", T.File,
            limits:
            [
                T.Limit(LimitScope.Offers, 4, 7, TimeUnit.Day, line: 1),
                T.Limit(LimitScope.Channel("email"), 3, 2, TimeUnit.Day, line: 2),
                T.Limit(LimitScope.Contacts, 6, 14, TimeUnit.Day, line: 3),
                T.Limit(LimitScope.Group("Lending", lending), 2, 5, TimeUnit.Day, line: 4),
                T.Limit(LimitScope.Offer("loan"), 1, 3, TimeUnit.Day, line: 5) with { Segments = ["affluent"] },
                T.Limit(LimitScope.Contacts, 2, 1, TimeUnit.Day, line: 6) with { Stages = ["onboarding"] },
                T.Limit(LimitScope.Offers, 3, 4, TimeUnit.Day, line: 7) with { PerHousehold = true },
                T.Limit(LimitScope.Channel("sms"), 2, 1, TimeUnit.Week, calendar: true, line: 8),
                T.Limit(LimitScope.Offer("saver"), 2, 1, TimeUnit.Month, line: 9) with { PerHousehold = true, Segments = ["affluent", "mass"] },
            ],
            exclusions: [new OfferExclusion(["loan"], false, ["saver"], new TimeWindow(2, TimeUnit.Day), T.Line(10), "never loan with saver within 2 days")],
            consents: [new ConsentRequirement("phone", T.Line(11))]);
        var clock = new ManualClock(T.Utc(2026, 3, 20, 9));
        var quick = new ContactGate(policy, new InMemoryContactLedger(), clock, T.Berlin);
        var full = new ContactGate(policy, new InterleavingLedger(new InMemoryContactLedger()), clock, T.Berlin);
        var random = new Random(seed);
        string[] channels = ["email", "sms", "phone"];
        string?[] offers = [null, "loan", "card", "saver", "isa"];
        string?[] households = [null, "h1", "h2"];
        for (var step = 0; step < 4000; step++)
        {
            clock.Advance(TimeSpan.FromMinutes(random.Next(0, 12 * 60)));
            var request = new ContactRequest("c" + random.Next(6), channels[random.Next(channels.Length)], offers[random.Next(offers.Length)],
                random.Next(10) == 0 ? "transactional" : "marketing")
            {
                HouseholdId = households[random.Next(households.Length)],
                Segments = random.Next(3) switch { 0 => ["affluent"], 1 => ["mass"], _ => [] },
                Stage = random.Next(2) == 0 ? "onboarding" : "active",
                Consents = random.Next(2) == 0 ? ["phone"] : [],
            };
            var expected = full.Check(request);
            quick.Check(request).ToString().ShouldBe(expected.ToString(), $"step {step}: check {request}");
            var key = "k" + random.Next(40);
            var (fullResult, quickResult) = random.Next(3) switch
            {
                0 => (full.TryRecord(request, key), quick.TryRecord(request, key)),
                _ => (full.TryReserve(request, key), quick.TryReserve(request, key)),
            };
            quickResult.Decision.ToString().ShouldBe(fullResult.Decision.ToString(), $"step {step}: reserve {request}");
            (quickResult.Reservation?.ReservationId).ShouldBe(fullResult.Reservation?.ReservationId, $"step {step}");
            (quickResult.IsRepeat, quickResult.IsCommitted).ShouldBe((fullResult.IsRepeat, fullResult.IsCommitted), $"step {step}");
            if (fullResult.Reservation is { IsRecorded: true } held && !fullResult.IsCommitted)
            {
                if (random.Next(4) == 0)
                {
                    quick.Release(quickResult.Reservation!).ShouldBe(full.Release(held));
                }
                else if (random.Next(3) > 0)
                {
                    quick.Commit(quickResult.Reservation!).ShouldBe(full.Commit(held));
                }
            }
        }
    }

    [Fact]
    public void TryRecord_answers_with_a_struct_whose_reservation_is_made_on_reading()
    {
        // The one-call result is a struct (no object per allowed contact; the allocation is measured by the benchmark's
        // memory diagnoser, not here: unoptimised test builds allocate on their own). What a host reads must be what
        // the class result gave: the reservation, equal on every read, and the same answer as a ReservationResult.
        var clock = new ManualClock(T.Utc(2026, 3, 20, 9));
        var gate = new ContactGate(T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 1, TimeUnit.Day)]), new InMemoryContactLedger(), clock, TimeZoneInfo.Utc);
        var request = new ContactRequest("c1", "sms");

        var recorded = gate.TryRecord(request, "k1");
        (recorded.IsAllowed, recorded.IsCommitted, recorded.IsRepeat).ShouldBe((true, true, false));
        recorded.Decision.ShouldBe(ContactDecision.Allowed);
        var reservation = recorded.Reservation.ShouldNotBeNull();
        recorded.Reservation.ShouldNotBeSameAs(reservation);
        recorded.Reservation.ShouldBe(reservation);
        (reservation.Request, reservation.IdempotencyKey, reservation.ReservedAt, reservation.ExpiresAt, reservation.IsExempt)
            .ShouldBe((request, "k1", clock.Now, DateTimeOffset.MaxValue, false));
        reservation.ReservationId.ShouldBeGreaterThan(0);
        gate.Commit(reservation).ShouldBe(CommitOutcome.AlreadyCommitted);

        ReservationResult repeat = gate.TryRecord(request, "k1");
        (repeat.IsAllowed, repeat.IsRepeat, repeat.IsCommitted, repeat.Reservation!.ReservationId).ShouldBe((true, true, true, reservation.ReservationId));
        var denied = gate.TryRecord(request, "k2");
        (denied.IsAllowed, denied.Reservation, denied.Decision.Kind).ShouldBe((false, (Reservation?)null, RuleKind.Limit));
        denied.ToReservationResult().ShouldBe(new ReservationResult(denied.Decision, null));
        denied.ToString().ShouldBe(new ReservationResult(denied.Decision, null).ToString());
    }

    [Fact]
    public void A_scope_list_is_never_empty_the_policy_refuses_one_and_the_gate_one_emptied_since()
    {
        // An empty list would mean "no customer" to the rule's own names test but "any customer" to the scope bits
        // (no bit set), and the quick step cannot answer it: it is refused instead of decided one way or the other.
        Should.Throw<ArgumentException>(() => T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 1, TimeUnit.Day) with { Segments = [] }]))
            .Message.ShouldContain("empty segment or stage list");
        Should.Throw<ArgumentException>(() => T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 1, TimeUnit.Day) with { Stages = [] }]))
            .Message.ShouldContain("empty segment or stage list");

        var segments = new List<string> { "affluent" };
        var policy = T.Policy(limits: [T.Limit(LimitScope.Contacts, 1, 1, TimeUnit.Day) with { Segments = segments }]);
        segments.Clear();
        Should.Throw<ArgumentException>(() => new ContactGate(policy, new InMemoryContactLedger(), new ManualClock(T.Utc(2026, 3, 20, 9)), TimeZoneInfo.Utc))
            .Message.ShouldContain("empty segment or stage list");
    }
}
