namespace AccountabilityDsl.Runtime.Tests;

/// <summary>
/// <see cref="PolicyModel{TSegment, TStage, TOwner, TChannel, TOffer, TCustomer}"/> built by hand, as a
/// generated class builds it: table lookups, fallback, reporting lines, approval along them, the
/// customer's owners, requests and ranking, and the checks on what the constructor is given. The
/// generated classes' own behaviour over it is tested in AccountabilityDsl.Tests (GeneratedBehaviourTests,
/// CompiledPolicyEquivalenceTests).
/// </summary>
public sealed class PolicyModelTests
{
    public enum Segment { Young, Old, Boaters }

    public enum Stage { Lead, Active }

    public enum Owner { Sales, Care, Board }

    public enum Channel { Email, Phone }

    public enum Offer { BoatLoan, Pension }

    public enum Small : byte { A }

    public sealed record Customer(int Age, bool OwnsBoat);

    private static readonly ContactPolicy Contacts = new(
        "Toy",
        "toy.owner",
        offers: [new OfferDefinition("BoatLoan", "Board", 10, 0, ["Email"]), new OfferDefinition("Pension", "Care", 5, 1, ["Email", "Phone"])],
        channels: ["Email", "Phone"]);

    private static bool IsIn(Segment segment, Customer customer) => segment switch
    {
        Segment.Young => customer.Age < 30,
        Segment.Old => customer.Age >= 60,
        Segment.Boaters => customer.OwnsBoat,
        _ => throw new ArgumentOutOfRangeException(nameof(segment)),
    };

    private static bool Targets(Offer offer, Customer customer, Stage stage) => offer switch
    {
        Offer.BoatLoan => stage == Stage.Active && IsIn(Segment.Boaters, customer),
        _ => IsIn(Segment.Old, customer),
    };

    // Young: Sales at both stages; Old: Care at Lead, nobody at Active; Boaters: nobody at Lead, Board at Active.
    private static readonly int[] Cells = [1, 1, 2, 0, 0, 3];

    // Sales reports to Board; Care and Board to nobody.
    private static readonly int[] ReportsToBoard = [3, 0, 0];

    // BoatLoan: sponsored by Board. Pension: sponsored by Care.
    private static readonly Owner[][] Approvers = [[Owner.Board], [Owner.Care]];

    private static PolicyModel<Segment, Stage, Owner, Channel, Offer, Customer> Model(Owner? fallback = null) =>
        new(Contacts, ["Young", "Old", "Boaters"], ["Lead", "Active"], ["Sales", "Care", "Board"], IsIn, Targets, Cells, fallback, ReportsToBoard, Approvers);

    [Fact]
    public void Cells_are_looked_up_and_the_fallback_fills_only_unclaimed_ones()
    {
        var plain = Model();
        var withFallback = Model(Owner.Care);

        plain.AccountableFor(Segment.Young, Stage.Active).ShouldBe(Owner.Sales);
        plain.AccountableFor(Segment.Boaters, Stage.Lead).ShouldBeNull();
        plain.IsFromFallback(Segment.Boaters, Stage.Lead).ShouldBeFalse();
        withFallback.AccountableFor(Segment.Boaters, Stage.Lead).ShouldBe(Owner.Care);
        withFallback.IsFromFallback(Segment.Boaters, Stage.Lead).ShouldBeTrue();
        withFallback.AccountableFor(Segment.Boaters, Stage.Active).ShouldBe(Owner.Board);
        withFallback.IsFromFallback(Segment.Boaters, Stage.Active).ShouldBeFalse();
        withFallback.Fallback.ShouldBe(Owner.Care);
    }

    [Fact]
    public void Values_the_policy_does_not_declare_are_refused_with_the_parameter_name()
    {
        var model = Model();

        Should.Throw<ArgumentOutOfRangeException>(() => model.AccountableFor((Segment)3, Stage.Lead)).ParamName.ShouldBe("segment");
        Should.Throw<ArgumentOutOfRangeException>(() => model.AccountableFor(Segment.Old, (Stage)(-1))).ParamName.ShouldBe("stage");
        Should.Throw<ArgumentOutOfRangeException>(() => model.OwnerName((Owner)7)).ParamName.ShouldBe("owner");
        Should.Throw<ArgumentOutOfRangeException>(() => model.ChannelName((Channel)2)).ParamName.ShouldBe("channel");
        Should.Throw<ArgumentOutOfRangeException>(() => model.IsApproved((Offer)2, new Customer(20, false), Stage.Lead)).ParamName.ShouldBe("offer");
        Should.Throw<ArgumentNullException>(() => model.SegmentsOf(null!)).ParamName.ShouldBe("customer");
    }

    [Fact]
    public void Names_come_from_the_tables_and_the_contact_policy()
    {
        var model = Model();

        model.SegmentName(Segment.Boaters).ShouldBe("Boaters");
        model.StageName(Stage.Active).ShouldBe("Active");
        model.OwnerName(Owner.Board).ShouldBe("Board");
        model.ChannelName(Channel.Phone).ShouldBe("Phone");
        model.OfferName(Offer.Pension).ShouldBe("Pension");
        model.DefinitionOf(Offer.BoatLoan).ShouldBeSameAs(Contacts.Offers[0]);
    }

    [Fact]
    public void A_customer_has_the_distinct_owners_of_their_segments_in_segment_order()
    {
        var model = Model(Owner.Care);
        var youngBoater = new Customer(25, OwnsBoat: true);

        model.SegmentsOf(youngBoater).ShouldBe([Segment.Young, Segment.Boaters]);
        model.AccountableFor(youngBoater, Stage.Active).ShouldBe([Owner.Sales, Owner.Board]);
        model.AccountableOwner(youngBoater, Stage.Active).ShouldBeNull();
        model.AccountableFor(youngBoater, Stage.Lead).ShouldBe([Owner.Sales]);
        model.AccountableOwner(youngBoater, Stage.Lead).ShouldBe(Owner.Sales);
        model.IsOwnedThroughFallback(youngBoater, Stage.Lead).ShouldBeFalse();
    }

    [Fact]
    public void The_fallback_owns_a_customer_whose_segments_have_no_owner_but_never_one_in_no_segment()
    {
        var model = Model(Owner.Care);
        var old = new Customer(70, OwnsBoat: false);
        var nobody = new Customer(40, OwnsBoat: false);

        model.AccountableFor(old, Stage.Active).ShouldBe([Owner.Care]);
        model.AccountableOwner(old, Stage.Active).ShouldBe(Owner.Care);
        model.IsOwnedThroughFallback(old, Stage.Active).ShouldBeTrue();
        model.AccountableFor(nobody, Stage.Active).ShouldBeEmpty();
        model.AccountableOwner(nobody, Stage.Active).ShouldBeNull();
        model.IsOwnedThroughFallback(nobody, Stage.Active).ShouldBeFalse();
        Model().AccountableFor(old, Stage.Active).ShouldBeEmpty();
    }

    [Fact]
    public void Reporting_lines_give_the_escalation_chain_and_approval_follows_them()
    {
        var model = Model();
        var young = new Customer(20, OwnsBoat: false);
        var old = new Customer(70, OwnsBoat: false);

        model.ReportsTo(Owner.Sales).ShouldBe(Owner.Board);
        model.ReportsTo(Owner.Board).ShouldBeNull();
        model.EscalationChain(Owner.Sales).ShouldBe([Owner.Sales, Owner.Board]);
        model.EscalationChain(Owner.Care).ShouldBe([Owner.Care]);
        // Sales owns the young customer and reports to Board, BoatLoan's sponsor.
        model.IsApproved(Offer.BoatLoan, young, Stage.Lead).ShouldBeTrue();
        model.IsApproved(Offer.Pension, young, Stage.Lead).ShouldBeFalse();
        model.IsApproved(Offer.Pension, old, Stage.Lead).ShouldBeTrue();
        // Nobody is accountable for the old customer at Active: nobody approved.
        model.IsApproved(Offer.Pension, old, Stage.Active).ShouldBeFalse();
        Model(Owner.Care).IsApproved(Offer.Pension, old, Stage.Active).ShouldBeTrue();
    }

    [Fact]
    public void One_owner_answers_are_shared_and_lookups_allocate_nothing()
    {
        var model = Model();
        var young = new Customer(20, OwnsBoat: false);
        model.AccountableFor(young, Stage.Lead).ShouldBeSameAs(model.AccountableFor(young, Stage.Active));
        Warm(model, young);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Warm(model, young);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.ShouldBe(0);

        static void Warm(PolicyModel<Segment, Stage, Owner, Channel, Offer, Customer> model, Customer customer)
        {
            for (int i = 0; i < 1000; i++)
            {
                _ = model.AccountableFor((Segment)(i % 3), (Stage)(i % 2));
                _ = model.AccountableFor(customer, Stage.Lead);
                _ = model.AccountableOwner(customer, Stage.Active);
                _ = model.IsApproved(Offer.BoatLoan, customer, Stage.Lead);
            }
        }
    }

    [Fact]
    public void Requests_carry_the_names_segments_stage_and_consents()
    {
        var model = Model();
        var youngBoater = new Customer(25, OwnsBoat: true);

        model.CreateRequest("c1", Channel.Phone, Offer.Pension, "sales").ShouldBe(new ContactRequest("c1", "Phone", "Pension", "sales"));
        ContactRequest full = model.CreateRequest("c1", youngBoater, Stage.Active, Channel.Email, null, null, "h1", [Channel.Phone]);

        full.Channel.ShouldBe("Email");
        full.Offer.ShouldBeNull();
        full.Segments.ShouldBe(["Young", "Boaters"]);
        full.Stage.ShouldBe("Active");
        full.HouseholdId.ShouldBe("h1");
        full.Consents.ShouldBe(["Phone"]);
    }

    [Fact]
    public void Ranking_offers_targets_approves_and_refuses_another_policys_gate()
    {
        var model = Model();
        var youngBoater = new Customer(25, OwnsBoat: true);
        using var ledger = new InMemoryContactLedger();
        ContactGate gate = model.CreateGate(ledger, TimeProvider.System, TimeZoneInfo.Utc);

        IReadOnlyList<RankedOffer> ranked = model.RankOffers(gate, "c1", youngBoater, Stage.Active, null, null, null);
        var other = new ContactGate(new ContactPolicy("Other", "other.owner"), ledger, TimeProvider.System, TimeZoneInfo.Utc);

        // BoatLoan targets boaters at Active; Sales and Board own the customer there, and Sales reports to Board.
        RankedOffer boatLoan = ranked.ShouldHaveSingleItem();
        boatLoan.Candidate.Offer.Name.ShouldBe("BoatLoan");
        boatLoan.Candidate.ApprovedByAccountableOwner.ShouldBeTrue();
        boatLoan.IsAllowed.ShouldBeTrue();
        Should.Throw<ArgumentException>(() => model.RankOffers(other, "c1", youngBoater, Stage.Active, null, null, null)).ParamName.ShouldBe("gate");
    }

    [Fact]
    public void Tables_that_do_not_match_the_names_are_refused()
    {
        Should.Throw<ArgumentException>(() => new PolicyModel<Segment, Stage, Owner, Channel, Offer, Customer>(
            Contacts, ["Young", "Old", "Boaters"], ["Lead", "Active"], ["Sales", "Care", "Board"], IsIn, Targets, Cells[..5], null, ReportsToBoard, Approvers))
            .ParamName.ShouldBe("accountable");
        Should.Throw<ArgumentException>(() => new PolicyModel<Segment, Stage, Owner, Channel, Offer, Customer>(
            Contacts, ["Young", "Old", "Boaters"], ["Lead", "Active"], ["Sales", "Care", "Board"], IsIn, Targets, [1, 1, 2, 0, 0, 4], null, ReportsToBoard, Approvers))
            .ParamName.ShouldBe("accountable");
        Should.Throw<ArgumentException>(() => new PolicyModel<Segment, Stage, Owner, Channel, Offer, Customer>(
            Contacts, ["Young", "Old", "Boaters"], ["Lead", "Active"], ["Sales", "Care", "Board"], IsIn, Targets, Cells, null, [0, 0], Approvers))
            .ParamName.ShouldBe("reportsTo");
        Should.Throw<ArgumentException>(() => new PolicyModel<Segment, Stage, Owner, Channel, Offer, Customer>(
            Contacts, ["Young", "Old", "Boaters"], ["Lead", "Active"], ["Sales", "Care", "Board"], IsIn, Targets, Cells, null, ReportsToBoard, [[Owner.Board]]))
            .ParamName.ShouldBe("approvers");
        Should.Throw<ArgumentException>(() => new PolicyModel<Small, Stage, Owner, Channel, Offer, Customer>(
            Contacts, ["A"], ["Lead", "Active"], ["Sales", "Care", "Board"], (_, _) => true, Targets, [1, 1], null, ReportsToBoard, Approvers))
            .ParamName.ShouldBe("TSegment");
    }
}
