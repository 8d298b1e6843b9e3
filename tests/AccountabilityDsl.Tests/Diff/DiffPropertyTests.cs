using System.Collections.Immutable;
using System.Text;
using AccountabilityDsl.Analysis;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Diff;
using AccountabilityDsl.Tests.Infrastructure;
using CsCheck;

namespace AccountabilityDsl.Tests.Diff;

/// <summary>
/// <c>ownerc diff</c> against brute force. Random pairs of small policies whose attribute
/// domains collapse to a finite grid (an int compared with constants 0..4 only takes the
/// grid -1..5 into account; bools and enums are finite), so enumerating every customer
/// decides exactly who changes owner. Every reported region's witness must really change
/// owner as reported, every customer inside a reported region must change exactly so, and
/// every customer whose owner changes must lie in a reported region. The new version may add
/// an attribute, an enum member, an assigned segment and a stage, to exercise the union space.
/// </summary>
[Trait("Category", "Slow")]
public class DiffPropertyTests
{
    private static readonly string[] Stages = ["A", "B", "C"];

    private static int _movesChecked;

    [Fact]
    public void Reported_regions_are_exactly_the_customers_whose_owner_changes()
    {
        Gen.Int.Sample(seed => Check(seed), iter: FuzzBudget.Iterations(400));

        // The pairs really differ: most runs move some customers, so the checks above ran.
        _movesChecked.ShouldBeGreaterThan(100);
    }

    [Fact]
    public void A_policy_compared_with_itself_has_no_change() =>
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var version = Version.Random(random, extended: false);
            PolicyDiffer.Compare(TestPolicy.Compile(version.Text), TestPolicy.Compile(version.Text)).IsEmpty.ShouldBeTrue(version.Text);
        }, iter: FuzzBudget.Iterations(100));

    private static void Check(int seed)
    {
        var random = new Random(seed);
        Version old = Version.Random(random, extended: false);
        Version changed = old.Mutate(random);
        PolicyCompilation oldCompilation = TestPolicy.Compile(old.Text, "old.owner");
        PolicyCompilation newCompilation = TestPolicy.Compile(changed.Text, "new.owner");
        string context = $"seed {seed}\n--- old\n{old.Text}--- new\n{changed.Text}";
        oldCompilation.Policy.HasErrors.ShouldBeFalse(context);
        newCompilation.Policy.HasErrors.ShouldBeFalse(context);

        PolicyDiff diff = PolicyDiffer.Compare(oldCompilation, newCompilation);
        diff.Notes.ShouldBeEmpty(context);
        var before = new Oracle(oldCompilation.Policy);
        var after = new Oracle(newCompilation.Policy);

        Interlocked.Add(ref _movesChecked, diff.Moves.Length);
        foreach (OwnerMove move in diff.Moves)
        {
            foreach (string stage in move.Stages)
            {
                before.Ownership(move.Witness, stage).ShouldBe(move.Before, $"witness {move.Witness} before, at {stage}\n{context}");
                after.Ownership(move.Witness, stage).ShouldBe(move.After, $"witness {move.Witness} after, at {stage}\n{context}");
            }

            move.Includes(move.Witness).ShouldBeTrue(context);
        }

        foreach (Witness customer in Customers(old, changed))
        {
            foreach (string stage in Stages.Where(s => old.Stages.Contains(s) && changed.Stages.Contains(s)))
            {
                Ownership was = before.Ownership(customer, stage);
                Ownership now = after.Ownership(customer, stage);
                var including = diff.Moves.Where(m => m.Stages.Contains(stage) && m.Includes(customer)).ToList();
                if (was.Equals(now))
                {
                    including.ShouldBeEmpty($"{customer} keeps {was} at {stage} but is reported as moving\n{context}");
                }
                else
                {
                    including.Count.ShouldBe(1, $"{customer} moves from {was} to {now} at {stage}\n{context}");
                    including[0].Before.ShouldBe(was, context);
                    including[0].After.ShouldBe(now, context);
                }
            }
        }
    }

    /// <summary>Every customer of the grid, with a value for every attribute of either version.</summary>
    private static IEnumerable<Witness> Customers(Version old, Version changed)
    {
        string[] members = changed.ExtraMember ? ["X", "Y", "Z", "W"] : ["X", "Y", "Z"];
        string[] assigned = [.. old.Assigned.Concat(changed.Assigned).Distinct()];
        foreach (int a in Enumerable.Range(-1, 7))
        {
            foreach (bool b in new[] { false, true })
            {
                foreach (string c in members)
                {
                    foreach (bool d in new[] { false, true })
                    {
                        foreach (string? segment in assigned.Length == 0 ? new string?[] { null } : assigned)
                        {
                            var values = ImmutableArray.CreateBuilder<KeyValuePair<string, WitnessValue>>();
                            if (segment is not null)
                            {
                                values.Add(new("segment", WitnessValue.Of(segment)));
                            }

                            values.Add(new("a", WitnessValue.Of(a)));
                            values.Add(new("b", WitnessValue.Of(b)));
                            values.Add(new("c", WitnessValue.Of(c)));
                            if (changed.ExtraAttribute)
                            {
                                values.Add(new("d", WitnessValue.Of(d)));
                            }
                            else if (d)
                            {
                                continue;
                            }

                            yield return new Witness(values.ToImmutable());
                        }
                    }
                }
            }
        }
    }

    /// <summary>Ownership by direct evaluation: the predicate evaluator and the accountability map, no regions.</summary>
    private sealed class Oracle(BoundPolicy policy)
    {
        private readonly AccountabilityMap _map = new(policy);

        public Ownership Ownership(Witness customer, string stageName)
        {
            var values = customer.Values.ToDictionary(v => v.Key, v => v.Value);
            var point = new decimal[policy.Attributes.Length];
            foreach (AttributeSymbol attribute in policy.Attributes)
            {
                WitnessValue value = values[attribute.Name];
                point[attribute.Ordinal] = value.Number ?? (value.Bool is { } flag ? (flag ? 1 : 0) : attribute.Members.IndexOf(value.Name!));
            }

            string? assigned = values.TryGetValue("segment", out WitnessValue s) ? s.Name : null;
            StageSymbol stage = policy.Stages.Single(x => x.Name == stageName);
            var segments = policy.Segments.Where(x => x.IsAssigned ? x.Name == assigned : PredicateEvaluator.Evaluate(x.Predicate!, point)).ToList();
            return new Ownership(
                [.. segments.Select(x => _map.OwnerOf(x, stage)?.Name).OfType<string>().Distinct().OrderBy(o => o, StringComparer.Ordinal)],
                segments.Count > 0);
        }
    }

    /// <summary>One random version: its segments, lifecycle and accountable declarations.</summary>
    private sealed record Version(
        ImmutableArray<string> Predicates,
        ImmutableArray<string> Assigned,
        ImmutableArray<string> Stages,
        ImmutableArray<string> Accountable,
        bool ExtraAttribute,
        bool ExtraMember)
    {
        public static Version Random(Random random, bool extended)
        {
            ImmutableArray<string> predicates = [.. Enumerable.Range(0, random.Next(1, 5)).Select(_ => Predicate(random, extended, extended))];
            ImmutableArray<string> assigned = random.Next(4) == 0 ? ["P0", "P1"] : [];
            ImmutableArray<string> stages = ["A", "B"];
            return new Version(predicates, assigned, stages, [.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => Claim(random, predicates.Length, assigned, stages))], false, false);
        }

        /// <summary>A new version: some parts kept, others changed, sometimes widened.</summary>
        public Version Mutate(Random random)
        {
            bool extraAttribute = random.Next(4) == 0;
            bool extraMember = random.Next(4) == 0;
            ImmutableArray<string> predicates = [.. Predicates.Select(p => random.Next(3) == 0 ? Predicate(random, extraAttribute, extraMember) : p)];
            if (random.Next(4) == 0)
            {
                predicates = predicates.Add(Predicate(random, extraAttribute, extraMember));
            }

            ImmutableArray<string> assigned = Assigned.IsEmpty || random.Next(3) != 0 ? Assigned : Assigned.Add("P2");
            ImmutableArray<string> stages = random.Next(4) == 0 ? [.. Stages, "C"] : Stages;
            var claims = Accountable.Where(_ => random.Next(4) != 0).ToList();
            for (int i = random.Next(0, 3); i > 0; i--)
            {
                claims.Insert(random.Next(claims.Count + 1), Claim(random, predicates.Length, assigned, stages));
            }

            return new Version(predicates, assigned, stages, [.. claims], extraAttribute, extraMember);
        }

        private static string Predicate(Random random, bool extraAttribute, bool extraMember)
        {
            string Atom()
            {
                int k = random.Next(0, 5);
                return random.Next(extraAttribute ? 8 : 7) switch
                {
                    0 => $"a < {k}",
                    1 => $"a >= {k}",
                    2 => $"a == {k}",
                    3 => "b",
                    4 => "not b",
                    5 => $"c in {{ {string.Join(", ", new[] { "X", "Y", "Z", "W" }.Take(extraMember ? 4 : 3).Where(_ => random.Next(2) == 0).DefaultIfEmpty("X"))} }}",
                    6 => $"c != {(extraMember && random.Next(2) == 0 ? "W" : "Y")}",
                    _ => random.Next(2) == 0 ? "d" : "not d",
                };
            }

            return random.Next(3) switch
            {
                0 => Atom(),
                1 => $"{Atom()} and {Atom()}",
                _ => $"{Atom()} or {Atom()}",
            };
        }

        private static string Claim(Random random, int predicateCount, ImmutableArray<string> assigned, ImmutableArray<string> stages)
        {
            var segments = Enumerable.Range(0, predicateCount).Select(i => $"S{i}").Concat(assigned).Where(_ => random.Next(2) == 0).ToList();
            string segmentList = segments.Count == 0 || random.Next(5) == 0 ? "*" : string.Join(", ", segments);
            string stageList = random.Next(3) == 0 ? "*" : stages[random.Next(stages.Length)];
            return $"accountable O{random.Next(3)} for {segmentList} at {stageList}";
        }

        public string Text
        {
            get
            {
                var text = new StringBuilder();
                text.Append("policy P\n");
                text.Append("attribute a: int\nattribute b: bool\n");
                text.Append(ExtraMember ? "attribute c: enum { X, Y, Z, W }\n" : "attribute c: enum { X, Y, Z }\n");
                if (ExtraAttribute)
                {
                    text.Append("attribute d: bool\n");
                }

                text.Append($"stages {string.Join(" -> ", Stages)}\n");
                text.Append("owner O0\nowner O1\nowner O2\n");
                for (int i = 0; i < Predicates.Length; i++)
                {
                    text.Append($"segment S{i} where {Predicates[i]}\n");
                }

                foreach (string segment in Assigned)
                {
                    text.Append($"segment {segment}\n");
                }

                foreach (string claim in Accountable)
                {
                    text.Append(claim).Append('\n');
                }

                return text.ToString();
            }
        }
    }
}
