using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Tests.Infrastructure;
using CsCheck;

namespace AccountabilityDsl.Tests.Analysis;

/// <summary>
/// The exact region analysis against brute force: random small policies whose attribute domains
/// collapse to a finite grid of representative values (every constant, a value between each two,
/// and one beyond each end), so enumerating the grid decides every property exactly. The checker
/// must reach the same verdicts (OWN0101, OWN0103, OWN0104, OWN0105, OWN0106, OWN0302, with reporting lines and a fallback owner), and every witness it names must really have the property.
/// Predicates name other segments too (assigned and predicate ones), so segment atoms are
/// checked against the same brute force.
/// </summary>
[Trait("Category", "Slow")]
public partial class RegionAnalysisPropertyTests
{
    private static readonly decimal[] IntGrid = [-1, 0, 1, 2, 3, 4, 5];

    // The ends of the int range (an int attribute is a C# int in the generated record), and two
    // numbers beyond them. The grid has every literal inside the range, its neighbours, and a
    // point in each gap, so enumerating it sees every distinct customer the analysis can.
    private static readonly decimal[] IntEdgeLiterals = [int.MinValue, int.MinValue + 1m, -1, 0, 1, int.MaxValue - 1m, int.MaxValue, int.MaxValue + 1m, int.MinValue - 1m];
    private static readonly decimal[] IntEdgeGrid = [int.MinValue, int.MinValue + 1m, int.MinValue + 2m, -2, -1, 0, 1, 2, int.MaxValue - 2m, int.MaxValue - 1m, int.MaxValue];
    private static readonly decimal[] DecimalGrid = [.. Enumerable.Range(-4, 21).Select(i => i * 0.25m)]; // -1 .. 4

    [Fact]
    public void Verdicts_and_witnesses_match_brute_force_enumeration() =>
        Gen.Int.Sample(seed => Check(new GeneratedPolicy(new Random(seed))), iter: FuzzBudget.Iterations(3000));

    [Fact]
    public void Verdicts_and_witnesses_match_brute_force_at_the_ends_of_the_int_range() =>
        Gen.Int.Sample(seed => Check(new GeneratedPolicy(new Random(seed), intEdges: true)), iter: FuzzBudget.Iterations(1000));

    private static void Check(GeneratedPolicy generated)
    {
        PolicyCompilation compilation = TestPolicy.Compile(generated.Text);
        compilation.Diagnostics.Where(d => d.IsError && d.Id is "OWN0001" or "OWN0002" or "OWN0003" or "OWN0004" or "OWN0005")
            .ShouldBeEmpty(generated.Text);
        BoundPolicy policy = compilation.Policy;
        var oracle = new Oracle(policy, generated);

        // OWN0105: exactly the unsatisfiable segments.
        var reportedEmpty = compilation.Diagnostics.Where(d => d.Id == "OWN0105")
            .Select(d => SegmentName().Match(d.Message).Groups[1].Value).ToHashSet();
        reportedEmpty.ShouldBe(oracle.EmptySegments, ignoreOrder: true, customMessage: generated.Text);

        // OWN0103: some customer in no segment.
        Diagnostic[] uncovered = [.. compilation.Diagnostics.Where(d => d.Id == "OWN0103")];
        (uncovered.Length > 0).ShouldBe(oracle.HasUncoveredCustomer, generated.Text);
        foreach (Diagnostic d in uncovered)
        {
            oracle.Segments(oracle.ToCustomer(d.Witness!)).ShouldBeEmpty($"witness {d.Witness} of OWN0103 is in a segment\n{generated.Text}");
        }

        // OWN0101: the set of stages with a vacuum, and each witness lacks an owner there. Each
        // finding sits on the segment that lacks an owner; its stages are related locations.
        Diagnostic[] vacuums = [.. compilation.Diagnostics.Where(d => d.Id == "OWN0101")];
        var reportedStages = new HashSet<string>();
        foreach (Diagnostic d in vacuums)
        {
            string segment = policy.Source.ToString(d.Location.Span);
            var customer = oracle.ToCustomer(d.Witness!);
            oracle.Segments(customer).Select(s => s.Name).ShouldContain(segment, $"OWN0101 witness {d.Witness} is not in {segment}\n{generated.Text}");
            var stages = d.Related.Where(r => r.Message.StartsWith("without an owner at", StringComparison.Ordinal)).ToList();
            stages.ShouldNotBeEmpty($"OWN0101 names no stage\n{generated.Text}");
            foreach (RelatedLocation related in stages)
            {
                string stage = policy.Source.ToString(related.Location.Span);
                reportedStages.Add(stage);
                oracle.Owners(customer, stage).ShouldBeEmpty($"OWN0101 witness {d.Witness} has an owner at {stage}\n{generated.Text}");
            }
        }

        // With a fallback owner the gaps are not vacuums (OWN0101) but OWN0106 findings, with
        // the same per-segment anchors and witnesses.
        reportedStages.ShouldBe(generated.Fallback is null ? oracle.VacuumStages : [], ignoreOrder: true, customMessage: generated.Text);
        var fallbackStages = new HashSet<string>();
        foreach (Diagnostic d in compilation.Diagnostics.Where(d => d.Id == "OWN0106"))
        {
            string segment = policy.Source.ToString(d.Location.Span);
            var customer = oracle.ToCustomer(d.Witness!);
            oracle.Segments(customer).Select(s => s.Name).ShouldContain(segment, $"OWN0106 witness {d.Witness} is not in {segment}\n{generated.Text}");
            foreach (RelatedLocation related in d.Related.Where(r => r.Message.StartsWith("owned only through the fallback at", StringComparison.Ordinal)))
            {
                string stage = policy.Source.ToString(related.Location.Span);
                fallbackStages.Add(stage);
                oracle.Owners(customer, stage).ShouldBeEmpty($"OWN0106 witness {d.Witness} has an owner at {stage}\n{generated.Text}");
            }
        }

        fallbackStages.ShouldBe(generated.Fallback is null ? [] : oracle.VacuumStages, ignoreOrder: true, customMessage: generated.Text);

        // OWN0104: a customer with two accountable owners exists, and the witness is one.
        Diagnostic[] conflicts = [.. compilation.Diagnostics.Where(d => d.Id == "OWN0104")];
        (conflicts.Length > 0).ShouldBe(oracle.HasOverlapConflict, generated.Text);
        foreach (Diagnostic d in conflicts)
        {
            var customer = oracle.ToCustomer(d.Witness!);
            policy.Stages.Any(s => oracle.Owners(customer, s.Name).Count >= 2)
                .ShouldBeTrue($"OWN0104 witness {d.Witness} never has two owners\n{generated.Text}");
        }

        CheckOfferApproval(compilation, generated, oracle);
    }

    private static void CheckOfferApproval(PolicyCompilation compilation, GeneratedPolicy generated, Oracle oracle)
    {
        var reported = new HashSet<string>();
        foreach (Diagnostic d in compilation.Diagnostics.Where(d => d.Id == "OWN0302"))
        {
            string owner = OwnerName().Match(d.Message).Groups[1].Value;
            reported.Add(owner);
            var customer = oracle.ToCustomer(d.Witness!);
            oracle.IsTargeted(customer).ShouldBeTrue($"OWN0302 witness {d.Witness} is not targeted by the offer\n{generated.Text}");
            generated.OfferStages.Any(stage => oracle.Owners(customer, stage) is var owners
                    && (owners.Contains(owner) || (owners.Count == 0 && owner == generated.Fallback && oracle.Segments(customer).Count > 0)))
                .ShouldBeTrue($"OWN0302 witness {d.Witness} is not owned by {owner} at an offer stage\n{generated.Text}");
        }

        reported.ShouldBe(oracle.UnapprovingOwners, ignoreOrder: true, customMessage: generated.Text);
    }

    [GeneratedRegex("for whom ([A-Za-z0-9_]+) is accountable")]
    private static partial Regex OwnerName();

    [GeneratedRegex("segment '([^']+)'")]
    private static partial Regex SegmentName();

    /// <summary>A random policy over small domains, with its ownership table kept independently of the compiler.</summary>
    private sealed class GeneratedPolicy
    {
        public GeneratedPolicy(Random random, bool intEdges = false)
        {
            IntLiterals = intEdges ? IntEdgeLiterals : [0, 1, 2, 3, 4];
            IntValues = intEdges ? IntEdgeGrid : IntGrid;
            var text = new StringBuilder("policy Generated\n");
            int stageCount = random.Next(1, 4);
            Stages = [.. Enumerable.Range(0, stageCount).Select(i => $"S{i}")];
            text.Append("stages ").Append(string.Join(" -> ", Stages)).Append('\n');

            string[] kinds = ["int", "decimal", "bool", "enum"];
            int attributeCount = random.Next(1, 4);
            for (int i = 0; i < attributeCount; i++)
            {
                string kind = kinds[random.Next(kinds.Length)];
                Attributes.Add(($"a{i}", kind));
                text.Append($"attribute a{i}: {(kind == "enum" ? "enum { A, B, C }" : kind)}\n");
            }

            int assignedCount = random.NextDouble() < 0.3 ? random.Next(1, 3) : 0;
            int predicateCount = random.Next(1, 5);
            for (int i = 0; i < assignedCount; i++)
            {
                Segments.Add($"G{i}");
                text.Append($"segment G{i}\n");
            }

            // Segment atoms name segments declared before (assigned or predicate), so that no
            // definition is circular; a later segment may be declared through an earlier one.
            for (int i = 0; i < predicateCount; i++)
            {
                string predicate = Predicate(random, 2);
                Segments.Add($"P{i}");
                text.Append($"segment P{i} where {predicate}\n");
            }

            // A reporting line (a tree: O1 may report to O0, O2 to O0 or O1) and sometimes a
            // fallback owner, so approvals up the line and fallback-owned gaps are checked too.
            string[] owners = ["O0", "O1", "O2"];
            if (random.NextDouble() < 0.5)
            {
                ReportsTo["O1"] = "O0";
            }

            if (random.NextDouble() < 0.5)
            {
                ReportsTo["O2"] = random.Next(2) == 0 ? "O0" : "O1";
            }

            foreach (string owner in owners)
            {
                text.Append($"owner {owner}").Append(ReportsTo.TryGetValue(owner, out string? superior) ? $" reports to {superior}" : "").Append('\n');
            }

            if (random.NextDouble() < 0.35)
            {
                Fallback = owners[random.Next(owners.Length)];
                text.Append($"fallback {Fallback}\n");
            }

            foreach (string segment in Segments)
            {
                foreach (string stage in Stages)
                {
                    if (random.NextDouble() < 0.65)
                    {
                        string owner = owners[random.Next(owners.Length)];
                        OwnerOf[(segment, stage)] = owner;
                        text.Append($"accountable {owner} for {segment} at {stage}\n");
                    }
                }
            }

            // One offer with random targets, stages, sponsor and approvers.
            text.Append("channel Email\nlimit offers per customer: at most 1 per 30 days\n");
            OfferTargets = random.NextDouble() < 0.3 ? [.. Segments] : [.. Segments.Where(_ => random.NextDouble() < 0.5).DefaultIfEmpty(Segments[0])];
            OfferStages = [.. Stages.Where(_ => random.NextDouble() < 0.6).DefaultIfEmpty(Stages[0])];
            OfferApprovers = [.. owners.Where(_ => random.NextDouble() < 0.35)];
            string sponsor = owners[random.Next(owners.Length)];
            OfferApprovers.Add(sponsor);
            string targets = OfferTargets.Count == Segments.Count && random.NextDouble() < 0.5 ? "*" : string.Join(", ", OfferTargets);
            text.Append($"offer Promo by {sponsor} to {targets} at {string.Join(", ", OfferStages)} via Email");
            var approvedBy = OfferApprovers.Where(o => o != sponsor).ToList();
            if (approvedBy.Count > 0)
            {
                text.Append(" approved by ").Append(string.Join(", ", approvedBy));
            }

            text.Append('\n');
            Text = text.ToString();
        }

        public List<string> OfferTargets { get; }

        /// <summary>Whom each owner reports to (absent: nobody).</summary>
        public Dictionary<string, string> ReportsTo { get; } = [];

        public string? Fallback { get; }

        /// <summary>Whether the owner, or anyone it reports to, sponsors or approves the offer.</summary>
        public bool Approves(string owner)
        {
            for (string? o = owner; o is not null; o = ReportsTo.GetValueOrDefault(o))
            {
                if (OfferApprovers.Contains(o))
                {
                    return true;
                }
            }

            return false;
        }

        public List<string> OfferStages { get; }

        public HashSet<string> OfferApprovers { get; }

        public string Text { get; }

        public List<string> Stages { get; } = [];

        public List<string> Segments { get; } = [];

        public List<(string Name, string Kind)> Attributes { get; } = [];

        /// <summary>The numbers int predicates compare with.</summary>
        public decimal[] IntLiterals { get; }

        /// <summary>The int values the oracle enumerates.</summary>
        public decimal[] IntValues { get; }

        public Dictionary<(string Segment, string Stage), string> OwnerOf { get; } = [];

        private string IntLiteral(Random random) => IntLiterals[random.Next(IntLiterals.Length)].ToString(CultureInfo.InvariantCulture);

        private string Predicate(Random random, int depth)
        {
            if (depth > 0 && random.NextDouble() < 0.45)
            {
                return random.Next(3) switch
                {
                    0 => $"not ({Predicate(random, depth - 1)})",
                    1 => $"({Predicate(random, depth - 1)} and {Predicate(random, depth - 1)})",
                    _ => $"({Predicate(random, depth - 1)} or {Predicate(random, depth - 1)})",
                };
            }

            if (Segments.Count > 0 && random.NextDouble() < 0.2)
            {
                return Segments[random.Next(Segments.Count)];
            }

            (string name, string kind) = Attributes[random.Next(Attributes.Count)];
            string[] operators = ["<", "<=", ">", ">=", "==", "!="];
            string op = operators[random.Next(operators.Length)];
            return kind switch
            {
                "int" when random.NextDouble() < 0.2 => $"{name} in {{ {IntLiteral(random)}, {IntLiteral(random)} }}",
                "int" => $"{name} {op} {IntLiteral(random)}",
                "decimal" => $"{name} {op} {(random.Next(7) * 0.5m).ToString(CultureInfo.InvariantCulture)}",
                "bool" => random.Next(3) switch { 0 => name, 1 => $"{name} == true", _ => $"{name} != true" },
                _ => random.Next(3) switch
                {
                    0 => $"{name} == {"ABC"[random.Next(3)]}",
                    1 => $"{name} != {"ABC"[random.Next(3)]}",
                    _ => $"{name} in {{ {"ABC"[random.Next(3)]}, {"ABC"[random.Next(3)]} }}",
                },
            };
        }
    }

    /// <summary>Brute force over the representative grid, with its own predicate evaluator.</summary>
    private sealed class Oracle
    {
        private readonly BoundPolicy _policy;
        private readonly GeneratedPolicy _generated;

        public Oracle(BoundPolicy policy, GeneratedPolicy generated)
        {
            _policy = policy;
            _generated = generated;
            var customers = Customers().ToList();
            EmptySegments = [.. policy.Segments.Where(s => !s.IsAssigned && !customers.Any(c => InSegment(c, s))).Select(s => s.Name)];
            HasUncoveredCustomer = customers.Any(c => Segments(c).Count == 0);
            VacuumStages = [.. generated.Stages.Where(stage => customers.Any(c => Segments(c).Count > 0 && Owners(c, stage).Count == 0))];
            HasOverlapConflict = generated.Stages.Any(stage => customers.Any(c => Owners(c, stage).Count >= 2));
            // A targeted customer in some segment but with no owner at a stage belongs to the
            // fallback owner there, when the policy has one.
            UnapprovingOwners = [.. generated.OfferStages
                .SelectMany(stage => customers.Where(IsTargeted).SelectMany(c => Owners(c, stage) is { Count: 0 } && generated.Fallback is { } fallback ? [fallback] : Owners(c, stage)))
                .Where(o => !generated.Approves(o))];
        }

        public HashSet<string> EmptySegments { get; }

        public bool HasUncoveredCustomer { get; }

        public HashSet<string> VacuumStages { get; }

        public bool HasOverlapConflict { get; }

        /// <summary>Owners accountable, at a stage of the offer, for a customer it targets, who do not approve it.</summary>
        public HashSet<string> UnapprovingOwners { get; }

        public bool IsTargeted((decimal[] Values, SegmentSymbol? Assigned) customer) =>
            Segments(customer).Any(s => _generated.OfferTargets.Contains(s.Name));

        public List<SegmentSymbol> Segments((decimal[] Values, SegmentSymbol? Assigned) customer) =>
            [.. _policy.Segments.Where(s => InSegment(customer, s))];

        public HashSet<string> Owners((decimal[] Values, SegmentSymbol? Assigned) customer, string stage) =>
            [.. Segments(customer).Select(s => _generated.OwnerOf.GetValueOrDefault((s.Name, stage))).OfType<string>()];

        public (decimal[] Values, SegmentSymbol? Assigned) ToCustomer(Witness witness)
        {
            var values = new decimal[_policy.Attributes.Length];
            SegmentSymbol? assigned = null;
            foreach ((string name, WitnessValue value) in witness.Values)
            {
                if (name == "segment")
                {
                    assigned = _policy.Segments.Single(s => s.Name == value.Name);
                    continue;
                }

                AttributeSymbol attribute = _policy.Attributes.Single(a => a.Name == name);
                values[attribute.Ordinal] = attribute.Type switch
                {
                    AttributeKind.Bool => value.Bool!.Value ? 1 : 0,
                    AttributeKind.Enum => attribute.Members.IndexOf(value.Name!),
                    _ => value.Number!.Value,
                };
            }

            if (_policy.HasAssignedSegments)
            {
                assigned.ShouldNotBeNull($"witness {witness} names no assigned segment");
            }

            return (values, assigned);
        }

        private IEnumerable<(decimal[], SegmentSymbol?)> Customers()
        {
            IEnumerable<decimal[]> points = [[]];
            foreach (AttributeSymbol attribute in _policy.Attributes)
            {
                decimal[] axis = attribute.Type switch
                {
                    AttributeKind.Int => _generated.IntValues,
                    AttributeKind.Decimal => DecimalGrid,
                    AttributeKind.Bool => [0, 1],
                    _ => [0, 1, 2],
                };
                points = points.SelectMany(p => axis.Select(v => (decimal[])[.. p, v])).ToList();
            }

            SegmentSymbol?[] assigned = _policy.HasAssignedSegments ? [.. _policy.Segments.Where(s => s.IsAssigned)] : [null];
            return points.SelectMany(p => assigned.Select(a => (p, a)));
        }

        private static bool InSegment((decimal[] Values, SegmentSymbol? Assigned) customer, SegmentSymbol segment) =>
            segment.IsAssigned ? customer.Assigned == segment : Evaluate(segment.Predicate!, customer);

        private static bool Evaluate(BoundPredicate predicate, (decimal[] Values, SegmentSymbol? Assigned) customer) => predicate switch
        {
            BoundSegmentReference r => InSegment(customer, r.Segment),
            BoundComparison c => c.Operator switch
            {
                ComparisonOperator.LessThan => customer.Values[c.Attribute.Ordinal] < c.Value,
                ComparisonOperator.LessThanOrEqual => customer.Values[c.Attribute.Ordinal] <= c.Value,
                ComparisonOperator.GreaterThan => customer.Values[c.Attribute.Ordinal] > c.Value,
                ComparisonOperator.GreaterThanOrEqual => customer.Values[c.Attribute.Ordinal] >= c.Value,
                ComparisonOperator.Equal => customer.Values[c.Attribute.Ordinal] == c.Value,
                _ => customer.Values[c.Attribute.Ordinal] != c.Value,
            },
            BoundMembership m => m.Values.Contains(customer.Values[m.Attribute.Ordinal]),
            BoundNot n => !Evaluate(n.Operand, customer),
            BoundLogical { Operator: LogicalOperator.And } l => l.Operands.All(o => Evaluate(o, customer)),
            BoundLogical l => l.Operands.Any(o => Evaluate(o, customer)),
            _ => throw new InvalidOperationException(),
        };
    }
}
