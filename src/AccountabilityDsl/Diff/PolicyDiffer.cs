using System.Collections.Immutable;
using AccountabilityDsl.Analysis;
using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Diagnostics;
using AccountabilityDsl.Syntax;
using AccountabilityDsl.Text;

namespace AccountabilityDsl.Diff;

/// <summary>
/// Compares two versions of a policy by what they decide, not by their text: the accountable
/// owner of every customer at every stage (exactly, with the region engine), the reach and
/// approvals of every offer, every limit, capacity and cool-down, and the findings
/// <c>ownerc check</c> reports. Declarations are matched by name, so reordering or reformatting
/// a policy changes nothing.
/// </summary>
public static class PolicyDiffer
{
    /// <summary>Accountability findings the owner comparison reports exactly, as regions.</summary>
    private static readonly HashSet<string> RegionFindings = ["OWN0101", "OWN0104"];

    private static readonly System.Text.RegularExpressions.Regex LineNumbers =
        new(@"\blines? \d+(?:(?:, | and |, and )\d+)*(?: of [\w.\-]+)?", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public static PolicyDiff Compare(PolicyCompilation oldVersion, PolicyCompilation newVersion)
    {
        BoundPolicy oldPolicy = oldVersion.Policy;
        BoundPolicy newPolicy = newVersion.Policy;
        var notes = new List<string>();
        bool bound = !Broken(oldVersion) && !Broken(newVersion);
        if (!bound)
        {
            notes.Add((Broken(oldVersion), Broken(newVersion)) switch
            {
                (true, true) => "both versions have syntax or name errors; only their findings are compared",
                (true, false) => "the old version has syntax or name errors; only the findings are compared",
                _ => "the new version has syntax or name errors; only the findings are compared",
            });
        }

        if (bound && oldPolicy.Name != newPolicy.Name)
        {
            notes.Add($"the policy is renamed from {oldPolicy.Name} to {newPolicy.Name}");
        }

        ImmutableArray<OwnerMove> moves = [];
        ImmutableArray<OfferChange> offers = [];
        bool regionsExact = false;
        if (bound)
        {
            try
            {
                var space = new DiffSpace(oldPolicy, newPolicy);
                notes.AddRange(space.Incompatibilities.Select(i => i + "; customers cannot be compared, only declarations and findings"));
                if (space.IsComparable)
                {
                    moves = new OwnerComparison(space, oldPolicy, newPolicy).Moves();
                    offers = CompareOffers(space, oldPolicy, newPolicy);
                    regionsExact = true;
                }
            }
            catch (RegionTooComplexException)
            {
                notes.Add("the segments are too complex to compare customers exactly (as in OWN0106); only declarations and findings are compared");
                moves = [];
                offers = [];
            }
        }

        var stagesOld = oldPolicy.Stages.Select(s => s.Name).ToList();
        var stagesNew = newPolicy.Stages.Select(s => s.Name).ToList();
        (ImmutableArray<Diagnostic> added, ImmutableArray<Diagnostic> removed) = CompareFindings(oldVersion, newVersion, regionsExact);
        return new PolicyDiff(
            newPolicy.Name,
            [.. notes],
            bound ? [.. stagesNew.Except(stagesOld)] : [],
            bound ? [.. stagesOld.Except(stagesNew)] : [],
            moves,
            offers,
            bound ? CompareLimits(oldPolicy, newPolicy) : [],
            added,
            removed);
    }

    private static bool Broken(PolicyCompilation compilation) => compilation.SyntaxTree.HasErrors || compilation.Policy.HasErrors;

    internal static SourceLine LineOf(BoundPolicy policy, SyntaxNode node)
    {
        // The node's own file: a policy may be made of several.
        SourceText source = policy.SourceOf(node);
        int line = policy.LineOf(node);
        // Runs of spaces that align columns in the file only stretch a quoted line.
        string text = string.Join(" ", source.GetLineText(line).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return new SourceLine(source.FilePath, line, text);
    }

    /// <summary>
    /// Findings that appear or disappear, matched by rule and by the words of the message
    /// (in any order, without the witness): a reordered policy lists the same segments in
    /// another order and may pick another witness, and is still the same finding.
    /// </summary>
    private static (ImmutableArray<Diagnostic> Added, ImmutableArray<Diagnostic> Removed) CompareFindings(
        PolicyCompilation oldVersion, PolicyCompilation newVersion, bool regionsExact)
    {
        bool Compared(Diagnostic d) => !regionsExact || !RegionFindings.Contains(d.Id);
        var oldFindings = oldVersion.Diagnostics.Where(Compared).ToList();
        var newFindings = newVersion.Diagnostics.Where(Compared).ToList();
        return ([.. Unmatched(newFindings, oldFindings)], [.. Unmatched(oldFindings, newFindings)]);
    }

    private static IEnumerable<Diagnostic> Unmatched(List<Diagnostic> these, List<Diagnostic> others)
    {
        var available = others.GroupBy(FindingKey).ToDictionary(g => g.Key, g => g.Count());
        foreach (Diagnostic diagnostic in these)
        {
            string key = FindingKey(diagnostic);
            if (available.TryGetValue(key, out int count) && count > 0)
            {
                available[key] = count - 1;
            }
            else
            {
                yield return diagnostic;
            }
        }
    }

    private static string FindingKey(Diagnostic diagnostic)
    {
        // A policy without attributes has witnesses with no values, which print as nothing.
        string message = diagnostic.Witness?.ToString() is { Length: > 0 } witness ? diagnostic.Message.Replace(witness, "") : diagnostic.Message;

        // Line references in a message move with any edit above them and with the files a policy
        // is split into: one conflict says "lines 8, 9" in one file and "line 8 of a.owner,
        // line 9 of b.owner" across two, and is the same finding.
        message = LineNumbers.Replace(message, "");
        var words = message.Split([' ', ',', ';', '(', ')', '\'', '"'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w is not ("and" or "or"))
            .OrderBy(w => w, StringComparer.Ordinal);
        return $"{diagnostic.Id} {diagnostic.Severity} {string.Join(" ", words)}";
    }

    private static ImmutableArray<OfferChange> CompareOffers(DiffSpace space, BoundPolicy oldPolicy, BoundPolicy newPolicy)
    {
        var changes = new List<OfferChange>();
        var oldOffers = oldPolicy.Offers.ToDictionary(o => o.Name);
        var newOffers = newPolicy.Offers.ToDictionary(o => o.Name);
        foreach (OfferSymbol offer in oldPolicy.Offers.Where(o => !newOffers.ContainsKey(o.Name)))
        {
            changes.Add(new OfferChange(offer.Name, "removed", Old: LineOf(oldPolicy, offer.Syntax)));
        }

        foreach (OfferSymbol after in newPolicy.Offers)
        {
            SourceLine newLine = LineOf(newPolicy, after.Syntax);
            if (!oldOffers.TryGetValue(after.Name, out OfferSymbol? before))
            {
                changes.Add(new OfferChange(after.Name, "added", New: newLine));
                continue;
            }

            SourceLine oldLine = LineOf(oldPolicy, before.Syntax);
            Region reachBefore = space.Union(before.Segments.Resolve(oldPolicy.Segments).Select(space.RegionOf));
            Region reachAfter = space.Union(after.Segments.Resolve(newPolicy.Segments).Select(space.RegionOf));
            foreach ((Region region, string change) in new[]
            {
                (space.Algebra.Subtract(reachAfter, reachBefore), "now reaches customers it did not"),
                (space.Algebra.Subtract(reachBefore, reachAfter), "no longer reaches customers it did"),
            })
            {
                if (!region.IsEmpty)
                {
                    decimal[] point = space.PickPoint(region);
                    changes.Add(new OfferChange(after.Name, change, space.Describe(region), space.ToWitness(point), oldLine, newLine));
                }
            }

            AddSetChange(changes, after.Name, "stages", before.Stages.Select(s => s.Name), after.Stages.Select(s => s.Name), oldLine, newLine);
            AddSetChange(changes, after.Name, "channels", before.Channels.Select(s => s.Name), after.Channels.Select(s => s.Name), oldLine, newLine);
            AddSetChange(changes, after.Name, "approvals", before.ApprovedBy.Select(s => s.Name), after.ApprovedBy.Select(s => s.Name), oldLine, newLine);
            if (before.Sponsor?.Name != after.Sponsor?.Name)
            {
                changes.Add(new OfferChange(after.Name, $"sponsor: {after.Sponsor?.Name} (was {before.Sponsor?.Name})", Old: oldLine, New: newLine));
            }

            if (before.MinCell != after.MinCell || before.Priority != after.Priority)
            {
                changes.Add(new OfferChange(after.Name, $"min cell {Show(after.MinCell)}, priority {after.Priority} (was min cell {Show(before.MinCell)}, priority {before.Priority})", Old: oldLine, New: newLine));
            }
        }

        return [.. changes];

        static string Show(int? minCell) => minCell?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";
    }

    private static void AddSetChange(List<OfferChange> changes, string offer, string what, IEnumerable<string> before, IEnumerable<string> after, SourceLine oldLine, SourceLine newLine)
    {
        var was = before.ToList();
        var now = after.ToList();
        var gained = now.Except(was).ToList();
        var lost = was.Except(now).ToList();
        if (gained.Count == 0 && lost.Count == 0)
        {
            return;
        }

        var parts = new List<string>();
        if (gained.Count > 0)
        {
            parts.Add("adds " + string.Join(", ", gained));
        }

        if (lost.Count > 0)
        {
            parts.Add("drops " + string.Join(", ", lost));
        }

        changes.Add(new OfferChange(offer, $"{what}: {string.Join("; ", parts)}", Old: oldLine, New: newLine));
    }

    private static ImmutableArray<LimitChange> CompareLimits(BoundPolicy oldPolicy, BoundPolicy newPolicy)
    {
        var changes = new List<LimitChange>();

        // Limits by scope: the strictest one on a scope is the one that applies (OWN0201).
        var oldLimits = oldPolicy.Limits.GroupBy(l => l.ScopeDisplay).ToDictionary(g => g.Key, g => g.OrderBy(l => l.MaxCount / l.Window.ApproximateDays).First());
        var newLimits = newPolicy.Limits.GroupBy(l => l.ScopeDisplay).ToDictionary(g => g.Key, g => g.OrderBy(l => l.MaxCount / l.Window.ApproximateDays).First());
        foreach (string scope in oldLimits.Keys.Concat(newLimits.Keys).Distinct())
        {
            LimitSymbol? before = oldLimits.GetValueOrDefault(scope);
            LimitSymbol? after = newLimits.GetValueOrDefault(scope);
            string subject = $"limit {scope}";
            if (before is null || after is null)
            {
                changes.Add(new LimitChange(subject, before is null ? LimitDirection.Tightened : LimitDirection.Loosened,
                    before is null ? "no limit" : Rate(before), after is null ? "no limit" : Rate(after),
                    before is null ? null : LineOf(oldPolicy, before.Syntax), after is null ? null : LineOf(newPolicy, after.Syntax)));
                continue;
            }

            if (before.MaxCount == after.MaxCount && before.Window == after.Window)
            {
                continue;
            }

            LimitDirection direction = Direction(before.MaxCount, before.Window.ApproximateDays, after.MaxCount, after.Window.ApproximateDays);
            if (before.Window.Calendar != after.Window.Calendar && direction != LimitDirection.Changed)
            {
                direction = LimitDirection.Changed;
            }

            changes.Add(new LimitChange(subject, direction, Rate(before), Rate(after), LineOf(oldPolicy, before.Syntax), LineOf(newPolicy, after.Syntax)));
        }

        var oldChannels = oldPolicy.Channels.ToDictionary(c => c.Name);
        foreach (ChannelSymbol after in newPolicy.Channels)
        {
            if (!oldChannels.TryGetValue(after.Name, out ChannelSymbol? before) || before.Capacity == after.Capacity)
            {
                continue;
            }

            LimitDirection direction = (before.Capacity, after.Capacity) switch
            {
                (null, _) => LimitDirection.Tightened,
                (_, null) => LimitDirection.Loosened,
                var (b, a) => Direction(b!.Amount, new TimeWindow(1, b.Period, false).ApproximateDays, a!.Amount, new TimeWindow(1, a.Period, false).ApproximateDays),
            };
            changes.Add(new LimitChange($"capacity of {after.Name}", direction, Capacity(before.Capacity), Capacity(after.Capacity), LineOf(oldPolicy, before.Syntax), LineOf(newPolicy, after.Syntax)));
        }

        var oldCooldowns = oldPolicy.Cooldowns.GroupBy(c => c.Event.Name).ToDictionary(g => g.Key, g => g.First());
        var newCooldowns = newPolicy.Cooldowns.GroupBy(c => c.Event.Name).ToDictionary(g => g.Key, g => g.First());
        foreach (string name in oldCooldowns.Keys.Concat(newCooldowns.Keys).Distinct())
        {
            CooldownSymbol? before = oldCooldowns.GetValueOrDefault(name);
            CooldownSymbol? after = newCooldowns.GetValueOrDefault(name);
            double Days(CooldownSymbol? c) => c is null ? 0 : new TimeWindow(c.Duration, c.Unit, false).ApproximateDays;
            if (Days(before) == Days(after))
            {
                continue;
            }

            changes.Add(new LimitChange($"cooldown after {name}", Days(after) > Days(before) ? LimitDirection.Tightened : LimitDirection.Loosened,
                before is null ? "none" : new TimeWindow(before.Duration, before.Unit, false).ToString(),
                after is null ? "none" : new TimeWindow(after.Duration, after.Unit, false).ToString(),
                before is null ? null : LineOf(oldPolicy, before.Syntax), after is null ? null : LineOf(newPolicy, after.Syntax)));
        }

        var oldExempt = oldPolicy.Exemptions.Select(oldPolicy.TextOf).Distinct().ToList();
        var newExempt = newPolicy.Exemptions.Select(newPolicy.TextOf).Distinct().ToList();
        foreach (string gained in newExempt.Except(oldExempt))
        {
            changes.Add(new LimitChange(gained, LimitDirection.Loosened, "not exempt", "exempt", null, null));
        }

        foreach (string lost in oldExempt.Except(newExempt))
        {
            changes.Add(new LimitChange(lost, LimitDirection.Tightened, "exempt", "not exempt", null, null));
        }

        return [.. changes];

        static string Rate(LimitSymbol limit) => $"at most {limit.MaxCount} per {limit.Window}";

        static string Capacity(ChannelCapacity? capacity) =>
            capacity is null ? "no capacity" : $"{capacity.Amount} per {capacity.Period.ToString().ToLowerInvariant()}";
    }

    /// <summary>More contacts in a window no longer than before is looser; fewer in one no shorter, tighter.</summary>
    private static LimitDirection Direction(int countBefore, double daysBefore, int countAfter, double daysAfter) =>
        countAfter >= countBefore && daysAfter <= daysBefore ? LimitDirection.Loosened
        : countAfter <= countBefore && daysAfter >= daysBefore ? LimitDirection.Tightened
        : LimitDirection.Changed;

    /// <summary>The owner comparison of the stages both versions have.</summary>
    private sealed class OwnerComparison(DiffSpace space, BoundPolicy oldPolicy, BoundPolicy newPolicy)
    {
        private readonly AccountabilityMap _oldMap = new(oldPolicy);
        private readonly AccountabilityMap _newMap = new(newPolicy);
        private readonly bool _sameSegments = Definitions(oldPolicy, oldPolicy.Segments) == Definitions(newPolicy, newPolicy.Segments);

        public ImmutableArray<OwnerMove> Moves()
        {
            var newStages = newPolicy.Stages.ToDictionary(s => s.Name);
            var groups = new List<(List<StageSymbol> Stages, Ownership Before, Ownership After, Region Region, decimal[] Point, ImmutableArray<SourceLine> Old, ImmutableArray<SourceLine> New)>();

            // Stages where both versions give every segment the same owners as an earlier stage
            // have the same changes: compute them once (lifecycles often own whole ranges alike).
            var byOwnerKey = new Dictionary<string, List<(Ownership Before, Ownership After, Region Region)>>(StringComparer.Ordinal);
            Region oldCovered = space.Union(oldPolicy.Segments.Select(space.RegionOf));
            Region newCovered = space.Union(newPolicy.Segments.Select(space.RegionOf));
            foreach (StageSymbol oldStage in oldPolicy.Stages)
            {
                if (!newStages.TryGetValue(oldStage.Name, out StageSymbol? newStage))
                {
                    continue;
                }

                string key = OwnerKey(oldPolicy, _oldMap, oldStage) + "|" + OwnerKey(newPolicy, _newMap, newStage);
                if (!byOwnerKey.TryGetValue(key, out var changes))
                {
                    byOwnerKey[key] = changes = Changes(
                        OwnerRegions(oldPolicy, _oldMap, oldStage), OwnerDefinitions(oldPolicy, _oldMap, oldStage), oldCovered,
                        OwnerRegions(newPolicy, _newMap, newStage), OwnerDefinitions(newPolicy, _newMap, newStage), newCovered);
                }

                foreach ((Ownership before, Ownership after, Region region) in changes)
                {
                    decimal[] point = space.PickPoint(region);
                    ImmutableArray<SourceLine> oldLines = Declarations(oldPolicy, _oldMap, oldStage, point);
                    ImmutableArray<SourceLine> newLines = Declarations(newPolicy, _newMap, newStage, point);
                    int existing = groups.FindIndex(g => g.Before.Equals(before) && g.After.Equals(after)
                        && g.Old.SequenceEqual(oldLines) && g.New.SequenceEqual(newLines) && space.AreEqual(g.Region, region));
                    if (existing >= 0)
                    {
                        groups[existing].Stages.Add(newStage);
                    }
                    else
                    {
                        groups.Add(([newStage], before, after, region, point, oldLines, newLines));
                    }
                }
            }

            return [.. groups
                .Select(g => new OwnerMove(
                    [.. g.Stages.Select(s => s.Name)],
                    Naming.Stages(g.Stages),
                    g.Before,
                    g.After,
                    space.Describe(g.Region),
                    space.ToWitness(g.Point),
                    g.Old,
                    g.New) { Space = space, Region = g.Region })
                .OrderBy(m => m.Kind)
                .ThenBy(m => newStages[m.Stages[0]].Ordinal)];
        }

        private static string OwnerKey(BoundPolicy policy, AccountabilityMap map, StageSymbol stage) =>
            string.Join(",", policy.Segments.Select(s => map.OwnerOf(s, stage)?.Name ?? "-"));

        private Dictionary<string, Region> OwnerRegions(BoundPolicy policy, AccountabilityMap map, StageSymbol stage) =>
            policy.Segments
                .Where(s => map.OwnerOf(s, stage) is not null)
                .GroupBy(s => map.OwnerOf(s, stage)!.Name)
                .ToDictionary(g => g.Key, g => space.Union(g.Select(space.RegionOf)));

        /// <summary>Per owner, the definitions of the segments it owns at the stage: equal definitions, equal customers.</summary>
        private static Dictionary<string, string> OwnerDefinitions(BoundPolicy policy, AccountabilityMap map, StageSymbol stage) =>
            policy.Segments
                .Where(s => map.OwnerOf(s, stage) is not null)
                .GroupBy(s => map.OwnerOf(s, stage)!.Name)
                .ToDictionary(g => g.Key, g => Definitions(policy, g));

        private static string Definitions(BoundPolicy policy, IEnumerable<SegmentSymbol> segments) =>
            string.Join("\n", segments.Select(s => DiffSpace.DefinitionOf(policy, s)).Distinct().OrderBy(d => d, StringComparer.Ordinal));

        /// <summary>
        /// The customers whose ownership differs, split into regions of one (before, after) each:
        /// first the customers where any owner's region or the covered customers differ, then
        /// that set refined by every region until each piece lies wholly inside or outside each.
        /// </summary>
        private List<(Ownership Before, Ownership After, Region Region)> Changes(
            Dictionary<string, Region> before, Dictionary<string, string> definitionsBefore, Region coveredBefore,
            Dictionary<string, Region> after, Dictionary<string, string> definitionsAfter, Region coveredAfter)
        {
            var changed = new List<Box>();
            foreach (string owner in before.Keys.Union(after.Keys))
            {
                // An owner of the same segment definitions in both versions owns the same customers.
                if (definitionsBefore.GetValueOrDefault(owner) is { } was1 && was1 == definitionsAfter.GetValueOrDefault(owner))
                {
                    continue;
                }

                Region was = before.GetValueOrDefault(owner) ?? Region.Empty;
                Region now = after.GetValueOrDefault(owner) ?? Region.Empty;
                changed.AddRange(space.SymmetricDifference(was, now).Boxes);
            }

            if (!_sameSegments)
            {
                changed.AddRange(space.SymmetricDifference(coveredBefore, coveredAfter).Boxes);
            }

            var result = new List<(Ownership, Ownership, Region)>();
            if (changed.Count == 0)
            {
                return result;
            }

            List<Box> pieces = space.Algebra.Coalesce(changed);
            foreach (Region splitter in before.Values.Concat(after.Values))
            {
                pieces = Split(pieces, splitter);
            }

            // Being in some segment matters only where a version gives no owner (a vacuum, or in
            // no segment): split only those pieces by the covered customers, so that segments
            // nobody owns (behavioural overlays) do not fragment every change.
            var refined = new List<Box>(pieces.Count);
            foreach (Box piece in pieces)
            {
                decimal[] point = space.Witnesses.PickPoint(piece);
                List<Box> parts = [piece];
                if (!before.Values.Any(r => space.Contains(r, point)))
                {
                    parts = Split(parts, coveredBefore);
                }

                if (!after.Values.Any(r => space.Contains(r, point)))
                {
                    parts = Split(parts, coveredAfter);
                }

                refined.AddRange(parts);
            }

            pieces = refined;

            var byTransition = new Dictionary<(Ownership, Ownership), List<Box>>();
            foreach (Box piece in pieces)
            {
                decimal[] point = space.Witnesses.PickPoint(piece);
                Ownership was = Ownership(before, coveredBefore, point);
                Ownership now = Ownership(after, coveredAfter, point);
                if (was.Equals(now))
                {
                    continue;
                }

                if (!byTransition.TryGetValue((was, now), out List<Box>? boxes))
                {
                    byTransition[(was, now)] = boxes = [];
                }

                boxes.Add(piece);
            }

            foreach (var ((was, now), boxes) in byTransition)
            {
                result.Add((was, now, new Region([.. space.Algebra.Coalesce(boxes)])));
            }

            return result;
        }

        /// <summary>Each piece cut into its part inside <paramref name="splitter"/> and its part outside.</summary>
        private List<Box> Split(List<Box> pieces, Region splitter)
        {
            var result = new List<Box>(pieces.Count);
            foreach (Box piece in pieces)
            {
                var cuts = splitter.Boxes.Where(b => space.Space.Intersects(piece, b)).ToList();
                if (cuts.Count == 0 || cuts.Any(c => space.Space.Covers(c, piece)))
                {
                    result.Add(piece);
                    continue;
                }

                var whole = new Region([piece]);
                var inside = new Region([.. cuts]);
                result.AddRange(space.Algebra.Intersect(whole, inside).Boxes);
                result.AddRange(space.Algebra.Subtract(whole, inside).Boxes);
                if (result.Count > RegionAlgebra.MaxBoxes)
                {
                    throw new RegionTooComplexException();
                }
            }

            return result;
        }

        private Ownership Ownership(Dictionary<string, Region> owners, Region covered, decimal[] point) => new(
            [.. owners.Where(o => space.Contains(o.Value, point)).Select(o => o.Key).OrderBy(o => o, StringComparer.Ordinal)],
            space.Contains(covered, point));

        /// <summary>The witness's segments in one version, each with the declaration deciding its owner at the stage.</summary>
        private ImmutableArray<SourceLine> Declarations(BoundPolicy policy, AccountabilityMap map, StageSymbol stage, decimal[] point)
        {
            var lines = new List<SourceLine>();
            foreach (SegmentSymbol segment in policy.Segments.Where(s => space.Contains(space.RegionOf(s), point)))
            {
                lines.Add(LineOf(policy, segment.Syntax));
                if (map.DecidingClaim(segment, stage) is { } claim)
                {
                    lines.Add(LineOf(policy, claim.Syntax));
                }
            }

            return [.. lines.Distinct()];
        }
    }
}
