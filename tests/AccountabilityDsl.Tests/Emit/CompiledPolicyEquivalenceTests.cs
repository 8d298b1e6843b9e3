using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Emit;
using AccountabilityDsl.Explain;
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Runtime.Compiled;
using AccountabilityDsl.Tests.Infrastructure;
using ManualClock = AccountabilityDsl.Tests.Emit.GeneratedBehaviourTests.ManualClock;

namespace AccountabilityDsl.Tests.Emit;

/// <summary>
/// The policy built from a compilation (<see cref="CompiledPolicy"/>, what <c>ownerc serve</c> and
/// <c>ownerc test</c> run) decides exactly as the generated class, compiled with Roslyn and
/// loaded, for every policy in samples/ that compiles without errors: the same segments, owners,
/// approvals, targeting, offer rankings, and the same gate decisions on long random sequences of
/// checks, reservations, commits, releases and events.
/// </summary>
public sealed class CompiledPolicyEquivalenceTests
{
    // Conflicts lowered to warnings, as an .editorconfig may: then the class is generated and
    // customers with two owners exist.
    private static readonly Dictionary<string, DiagnosticSeverity> Lowered = new()
    {
        ["OWN0104"] = DiagnosticSeverity.Warning,
        ["OWN0302"] = DiagnosticSeverity.Warning,
    };

    public static TheoryData<string> Policies()
    {
        var data = new TheoryData<string>();
        IEnumerable<string> files = Directory.EnumerateFiles(Path.Combine(Baseline.RepoRoot, "samples"), "*.owner", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(GeneratedAssembly.PolicyPath(""), "*.owner"));
        foreach (string file in files.Order(StringComparer.Ordinal))
        {
            if (!Compile(file).HasErrors)
            {
                data.Add(Path.GetRelativePath(Baseline.RepoRoot, file).Replace('\\', '/'));
            }
        }

        return data;
    }

    [Fact]
    public void Most_samples_are_compared()
    {
        // A sample that starts failing to compile would silently drop out of the comparison.
        Policies().Count.ShouldBeGreaterThanOrEqualTo(7);
        Should.Throw<InvalidOperationException>(() => CompiledPolicy.Create(PolicyCompilation.Create("policy Broken\nsegment A where nope > 1\n", "broken.owner")));
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Contact_policy_equals_the_generated_one(string path)
    {
        (CompiledPolicy compiled, GeneratedAssembly generated) = Load(path);
        using GeneratedAssembly unload = generated;
        ContactPolicy expected = generated.Get<ContactPolicy>("ContactPolicy");
        ContactPolicy actual = compiled.ContactPolicy;

        actual.PolicyName.ShouldBe(expected.PolicyName);
        actual.SourceFile.ShouldBe(expected.SourceFile);
        actual.Limits.Select(Describe).ShouldBe(expected.Limits.Select(Describe));
        actual.Exclusions.Select(Describe).ShouldBe(expected.Exclusions.Select(Describe));
        actual.Consents.ShouldBe(expected.Consents);
        actual.QuietPeriods.Select(Describe).ShouldBe(expected.QuietPeriods.Select(Describe));
        actual.Capacities.ShouldBe(expected.Capacities);
        actual.Cooldowns.ShouldBe(expected.Cooldowns);
        actual.ExemptCategories.ShouldBe(expected.ExemptCategories);
        actual.Offers.Select(Describe).ShouldBe(expected.Offers.Select(Describe));
        actual.Channels.ShouldBe(expected.Channels);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Owner_table_segments_approval_and_targeting_match_on_random_customers(string path)
    {
        (CompiledPolicy compiled, GeneratedAssembly generated) = Load(path);
        using GeneratedAssembly unload = generated;
        BoundPolicy policy = compiled.Policy;
        foreach (SegmentSymbol segment in policy.Segments)
        {
            foreach (StageSymbol stage in policy.Stages)
            {
                object? owner = generated.Call("AccountableFor", generated.Enum("Segment", segment.Ordinal), generated.Enum("Stage", stage.Ordinal));
                compiled.AccountableFor(segment, stage)?.Name.ShouldBe(owner is null ? null : (string)generated.Call("NameOf", owner)!);
                (compiled.AccountableFor(segment, stage) is null).ShouldBe(owner is null);
            }
        }

        var random = new Random(path.Length);
        for (int i = 0; i < 1000; i++)
        {
            (CustomerValues customer, object generatedCustomer) = RandomCustomer(policy, generated, random);
            compiled.SegmentsOf(customer).Select(s => s.Ordinal)
                .ShouldBe(((System.Collections.IEnumerable)generated.Call("SegmentsOf", generatedCustomer)!).Cast<object>().Select(s => (int)s), generatedCustomer.ToString());
            foreach (StageSymbol stage in policy.Stages)
            {
                object stageValue = generated.Enum("Stage", stage.Ordinal);
                compiled.AccountableFor(customer, stage).Select(o => policy.Owners.IndexOf(o))
                    .ShouldBe(((System.Collections.IEnumerable)generated.Call("AccountableFor", generatedCustomer, stageValue)!).Cast<object>().Select(o => (int)o));
                object? single = generated.Call("AccountableOwner", generatedCustomer, stageValue);
                (compiled.AccountableOwner(customer, stage) is { } o ? policy.Owners.IndexOf(o) : -1).ShouldBe(single is null ? -1 : (int)single);
                foreach (OfferSymbol offer in policy.Offers)
                {
                    object offerValue = generated.Enum("Offer", offer.Ordinal);
                    compiled.IsApproved(offer, customer, stage).ShouldBe((bool)generated.Call("IsApproved", offerValue, generatedCustomer, stageValue)!);
                    compiled.Targets(offer, customer, stage).ShouldBe((bool)generated.Call("Targets", offerValue, generatedCustomer, stageValue)!);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Gate_decisions_and_offer_rankings_match_on_random_request_sequences(string path)
    {
        (CompiledPolicy compiled, GeneratedAssembly generated) = Load(path);
        using GeneratedAssembly unload = generated;
        BoundPolicy policy = compiled.Policy;
        var clock = new ManualClock(new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.Zero));
        TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        using var expectedLedger = new InMemoryContactLedger();
        using var actualLedger = new InMemoryContactLedger();
        var expectedGate = (ContactGate)generated.Call("CreateGate", expectedLedger, clock, zone)!;
        ContactGate actualGate = compiled.CreateGate(actualLedger, clock, zone);
        string[] channels = [.. policy.Channels.Select(c => c.Name)];
        string?[] offers = [null, .. policy.Offers.Select(o => o.Name)];
        string?[] categories = [null, null, null, "marketing", .. compiled.ContactPolicy.ExemptCategories];
        string[] events = [.. policy.Cooldowns.Select(c => c.Event.Name)];
        // Scoped limits and consent need the customer's segments, stage and consents in every request.
        bool needsCustomer = compiled.ContactPolicy.Consents.Count > 0 || compiled.ContactPolicy.Limits.Any(l => l.Segments is not null || l.Stages is not null);
        var random = new Random(path.Length * 7919);
        int allowed = 0, denied = 0;

        for (int step = 0; step < 1500; step++)
        {
            string customerId = "c" + random.Next(3);
            int channel = random.Next(channels.Length);
            int offer = random.Next(offers.Length);
            string? category = categories[random.Next(categories.Length)];
            (ContactRequest request, ContactRequest expectedRequest) = needsCustomer || random.Next(2) == 0
                ? CustomerRequests(compiled, generated, random, customerId, channel, offer - 1, category)
                : (new ContactRequest(customerId, channels[channel], offers[offer], category), new ContactRequest(customerId, channels[channel], offers[offer], category));
            switch (random.Next(10))
            {
                case 0 when events.Length > 0:
                    string name = events[random.Next(events.Length)];
                    long at = clock.Now.AddHours(-random.Next(24 * 40)).UtcTicks;
                    expectedLedger.RecordEvent(customerId, name, at);
                    actualLedger.RecordEvent(customerId, name, at);
                    break;
                case <= 3:
                    string expectedCheck = expectedGate.Check(expectedRequest).ToString();
                    actualGate.Check(request).ToString().ShouldBe(expectedCheck, $"step {step}: {request}");
                    break;
                case <= 5 when policy.Offers.Length > 0:
                    (CustomerValues customer, object generatedCustomer) = RandomCustomer(policy, generated, random);
                    StageSymbol stage = policy.Stages[random.Next(policy.Stages.Length)];
                    string expectedRanking, actualRanking;
                    if (random.Next(2) == 0)
                    {
                        // Without consents (not known): a candidate on a channel that requires consent makes both refuse alike.
                        expectedRanking = Ranking(() => (IReadOnlyList<RankedOffer>)generated.Call("RankOffers", expectedGate, customerId, generatedCustomer, generated.Enum("Stage", stage.Ordinal), request.Category)!);
                        actualRanking = Ranking(() => compiled.RankOffers(actualGate, customerId, customer, stage, request.Category));
                    }
                    else
                    {
                        // With the household and consents of the request made above.
                        Array consents = Array.CreateInstance(generated.Nested("Channel"), request.Consents?.Count ?? 0);
                        ChannelSymbol[] consented = [.. policy.Channels.Where(c => request.Consents?.Contains(c.Name) == true)];
                        for (int i = 0; i < consented.Length; i++)
                        {
                            consents.SetValue(generated.Enum("Channel", policy.Channels.IndexOf(consented[i])), i);
                        }

                        expectedRanking = Ranking(() => (IReadOnlyList<RankedOffer>)generated.Call(
                            "RankOffers", expectedGate, customerId, generatedCustomer, generated.Enum("Stage", stage.Ordinal), request.Category, request.HouseholdId, consents)!);
                        actualRanking = Ranking(() => compiled.RankOffers(actualGate, customerId, customer, stage, request.Category, request.HouseholdId, consented));
                    }

                    actualRanking.ShouldBe(expectedRanking, $"step {step}");
                    break;
                default:
                    string key = "k" + random.Next(40);
                    ReservationResult expected = expectedGate.TryReserve(expectedRequest, key);
                    ReservationResult actual = actualGate.TryReserve(request, key);
                    actual.Decision.ToString().ShouldBe(expected.Decision.ToString(), $"step {step}: {request}");
                    actual.IsAllowed.ShouldBe(expected.IsAllowed);
                    actual.IsRepeat.ShouldBe(expected.IsRepeat);
                    if (expected.IsAllowed)
                    {
                        allowed++;
                        if (random.Next(4) == 0)
                        {
                            actualGate.Release(actual.Reservation!).ShouldBe(expectedGate.Release(expected.Reservation!));
                        }
                        else
                        {
                            actualGate.Commit(actual.Reservation!).ShouldBe(expectedGate.Commit(expected.Reservation!));
                        }
                    }
                    else
                    {
                        denied++;
                    }

                    break;
            }

            clock.Now = clock.Now.AddMinutes(random.Next(6 * 60));
        }

        // Both outcomes were compared, not only one.
        allowed.ShouldBeGreaterThan(0);
        if (compiled.ContactPolicy.Limits.Count > 0)
        {
            denied.ShouldBeGreaterThan(0);
        }
    }

    [Fact]
    public void Consents_not_given_are_not_known_on_both_sides_and_a_channel_that_requires_consent_refuses_the_request()
    {
        (CompiledPolicy compiled, GeneratedAssembly generated) = Load("tests/AccountabilityDsl.Tests/Emit/Policies/contact-rules.owner");
        using GeneratedAssembly unload = generated;
        BoundPolicy policy = compiled.Policy;
        var clock = new ManualClock(new DateTimeOffset(2027, 6, 7, 10, 0, 0, TimeSpan.FromHours(1)));
        TimeZoneInfo london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        using var expectedLedger = new InMemoryContactLedger();
        using var actualLedger = new InMemoryContactLedger();
        var expectedGate = (ContactGate)generated.Call("CreateGate", expectedLedger, clock, london)!;
        ContactGate actualGate = compiled.CreateGate(actualLedger, clock, london);
        var customer = new CustomerValues([1000m], null, "");
        object generatedCustomer = generated.Customer(policy, [1000m]);
        StageSymbol active = policy.Stages.Single(s => s.Name == "Active");
        ChannelSymbol telemarketing = policy.Channels.Single(c => c.Name == "Telemarketing");
        OfferSymbol boatLoan = policy.Offers.Single(o => o.Name == "BoatLoan");
        ContactRequest Generated(Array? consents) => (ContactRequest)generated.Call("CreateRequest", "c1", generatedCustomer, generated.Enum("Stage", active.Ordinal),
            generated.Enum("Channel", policy.Channels.IndexOf(telemarketing)), generated.Enum("Offer", boatLoan.Ordinal), null, null, consents)!;
        ConsentRequirement rule = compiled.ContactPolicy.Consents.Single();

        // Not given: not known, on both sides; the gate refuses the request, naming the rule.
        ContactRequest actual = compiled.CreateRequest("c1", customer, active, telemarketing, boatLoan);
        ContactRequest expected = Generated(null);
        actual.Consents.ShouldBeNull();
        Describe(actual).ShouldBe(Describe(expected));
        string message = Should.Throw<ArgumentException>(() => actualGate.Check(actual)).Message;
        message.ShouldStartWith($"The {rule.Description} ({rule.Source}): the request must carry the customer's consents");
        Should.Throw<ArgumentException>(() => expectedGate.Check(expected)).Message.ShouldBe(message);
        Ranking(() => compiled.RankOffers(actualGate, "c1", customer, active)).ShouldBe("ArgumentException: " + message);

        // Given as none: the contact is denied by the consent rule, on both sides.
        ContactRequest none = compiled.CreateRequest("c1", customer, active, telemarketing, boatLoan, consents: []);
        none.Consents.ShouldBe([]);
        Describe(none).ShouldBe(Describe(Generated(Array.CreateInstance(generated.Nested("Channel"), 0))));
        ContactDecision denied = actualGate.Check(none);
        denied.Denials.Select(d => d.Kind).ShouldBe([RuleKind.Consent]);
        denied.Source.ShouldBe(rule.Source);

        // On a channel that needs no consent, consents not known do not matter.
        actualGate.Check(compiled.CreateRequest("c1", customer, active, policy.Channels.Single(c => c.Name == "Email"), boatLoan)).IsAllowed.ShouldBeTrue();
    }

    /// <summary>
    /// The same request made by each side from a random customer, stage, household and consents:
    /// CompiledPolicy.CreateRequest and the generated CreateRequest must fill it alike.
    /// </summary>
    private static (ContactRequest Actual, ContactRequest Expected) CustomerRequests(
        CompiledPolicy compiled, GeneratedAssembly generated, Random random, string customerId, int channel, int offer, string? category)
    {
        BoundPolicy policy = compiled.Policy;
        (CustomerValues customer, object generatedCustomer) = RandomCustomer(policy, generated, random);
        StageSymbol stage = policy.Stages[random.Next(policy.Stages.Length)];
        string? household = random.Next(3) switch { 0 => null, 1 => "h1", _ => "h-" + customerId };
        ChannelSymbol[] consents = [.. policy.Channels.Where(_ => random.Next(3) != 0)];
        Array generatedConsents = Array.CreateInstance(generated.Nested("Channel"), consents.Length);
        for (int i = 0; i < consents.Length; i++)
        {
            generatedConsents.SetValue(generated.Enum("Channel", policy.Channels.IndexOf(consents[i])), i);
        }

        OfferSymbol? offerSymbol = offer < 0 ? null : policy.Offers[offer];
        ContactRequest actual = compiled.CreateRequest(customerId, customer, stage, policy.Channels[channel], offerSymbol, category, household, consents);
        var expected = (ContactRequest)generated.Call("CreateRequest", customerId, generatedCustomer, generated.Enum("Stage", stage.Ordinal),
            generated.Enum("Channel", channel), offerSymbol is null ? null : generated.Enum("Offer", offerSymbol.Ordinal), category, household, generatedConsents)!;
        Describe(actual).ShouldBe(Describe(expected));
        return (actual, expected);
    }

    private static string Describe(ContactRequest r) =>
        $"{r.CustomerId} {r.Channel} {r.Offer} {r.Category} segments={string.Join(",", r.Segments ?? [])} stage={r.Stage} household={r.HouseholdId} consents={(r.Consents is { } c ? "[" + string.Join(",", c) + "]" : "not known")}";

    /// <summary>A ranking, one candidate a line, or the ArgumentException that refused it.</summary>
    private static string Ranking(Func<IReadOnlyList<RankedOffer>> rank)
    {
        try
        {
            return string.Join("\n", rank().Select(Describe));
        }
        catch (ArgumentException e)
        {
            return "ArgumentException: " + e.Message;
        }
    }

    private static string Describe(ContactLimit l) =>
        $"{l.Scope} {l.MaxCount} {l.Window} {l.Source} {l.PerHousehold} {string.Join(",", l.Segments ?? ["*"])} {string.Join(",", l.Stages ?? ["*"])} {string.Join(",", l.Scope.GroupOffers)}";

    private static string Describe(OfferExclusion e) =>
        $"{string.Join(",", e.First)} {e.IsAfter} {string.Join(",", e.Second)} {e.Window} {e.Source} {e.Text}";

    private static string Describe(QuietPeriod q) =>
        $"{q.Channel} {string.Join(",", q.Hours)} {string.Join(",", q.Days)} {q.Source} {q.Text}";

    private static PolicyCompilation Compile(string file) => PolicyCompilation.Create(AccountabilityDsl.Text.SourceText.FromFile(file), Lowered);

    private static (CompiledPolicy, GeneratedAssembly) Load(string relativePath)
    {
        PolicyCompilation compilation = Compile(Path.Combine(Baseline.RepoRoot, relativePath));
        return (CompiledPolicy.Create(compilation), GeneratedAssembly.Load(CSharpEmitter.Emit(compilation)));
    }

    private static (CustomerValues, object) RandomCustomer(BoundPolicy policy, GeneratedAssembly generated, Random random)
    {
        var literals = GeneratedBehaviourTests.Literals(policy);
        var assigned = policy.Segments.Where(s => s.IsAssigned).ToList();
        decimal[] values = [.. policy.Attributes.Select(a => GeneratedBehaviourTests.RandomValue(a, literals[a], random))];
        SegmentSymbol? segment = assigned.Count == 0 || random.Next(assigned.Count + 1) == 0 ? null : assigned[random.Next(assigned.Count)];
        return (new CustomerValues(values, segment, ""), generated.Customer(policy, values, segment?.Ordinal));
    }

    private static string Describe(OfferDefinition o) => $"{o.Name} {o.Sponsor} {o.Priority} {o.DeclarationOrder} {string.Join(",", o.Channels)}";

    private static string Describe(RankedOffer r) =>
        $"{r.Rank} {Describe(r.Candidate.Offer)} {r.Candidate.Channel} {r.Candidate.ApprovedByAccountableOwner} {r.Decision} {r.ExclusionReason}";
}
