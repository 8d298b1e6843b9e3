using System.Collections.Immutable;
using AccountabilityDsl.Analysis.Regions;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Diff;

/// <summary>The two versions a diff compares.</summary>
public enum DiffSide { Old, New }

/// <summary>
/// The customer space both versions of a policy are compared in: the union of their attributes
/// (by name), plus, when either version has assigned segments, one more discrete axis
/// <c>segment</c> whose values are the union of the assigned segments' names. Each version's
/// segments become exact regions of this one space, so "the customers whose owner changes" is
/// a set difference of regions, never a sample.
/// <list type="bullet">
/// <item>An attribute only one version declares is ignored by the other: its predicates do not
/// mention it, so its customers are the same whatever the value.</item>
/// <item>An enum's members are the union; a member one version lacks falls outside every
/// <c>in { … }</c> of that version and inside every <c>!=</c>.</item>
/// <item>An attribute that is <c>int</c> in one version and <c>decimal</c> in the other is
/// compared as a decimal. Any other change of type makes the customers incomparable: the
/// diff then says so and compares only declarations and findings.</item>
/// <item>A customer whose assigned segment one version does not declare is, in that version,
/// in none of its assigned segments.</item>
/// </list>
/// </summary>
internal sealed class DiffSpace
{
    /// <summary>The name of the assigned-segment axis: a keyword, so no attribute can have it.</summary>
    public const string SegmentAxis = "segment";

    private readonly Dictionary<AttributeSymbol, (AttributeSymbol Union, int[] Members)> _translation = [];
    private readonly Dictionary<SegmentSymbol, Region> _regions = [];
    private readonly int _segmentAxis = -1;
    private readonly ImmutableArray<string> _assignedNames = [];

    public DiffSpace(BoundPolicy oldPolicy, BoundPolicy newPolicy)
    {
        var attributes = new List<AttributeSymbol>();
        var assigned = oldPolicy.Segments.Concat(newPolicy.Segments).Where(s => s.IsAssigned).Select(s => s.Name).Distinct().ToImmutableArray();
        if (!assigned.IsEmpty)
        {
            _segmentAxis = 0;
            _assignedNames = assigned;
            attributes.Add(new AttributeSymbol(SegmentAxis, new NameSyntax(SegmentAxis, default), AttributeKind.Enum, assigned, 0));
        }

        var incompatible = new List<string>();
        foreach (IGrouping<string, AttributeSymbol> byName in oldPolicy.Attributes.Concat(newPolicy.Attributes).GroupBy(a => a.Name))
        {
            var versions = byName.ToList();
            AttributeKind kind = versions[0].Type;
            if (versions.Count == 2 && versions[1].Type != kind)
            {
                if (versions.All(v => v.IsNumeric))
                {
                    kind = AttributeKind.Decimal;
                }
                else
                {
                    incompatible.Add($"attribute {byName.Key} is {versions[0].TypeDisplay} in the old version and {versions[1].TypeDisplay} in the new one");
                    continue;
                }
            }

            ImmutableArray<string> members = kind == AttributeKind.Enum ? [.. versions.SelectMany(v => v.Members).Distinct()] : [];
            var union = new AttributeSymbol(byName.Key, versions[^1].Declaration, kind, members, attributes.Count);
            attributes.Add(union);
            foreach (AttributeSymbol version in versions)
            {
                _translation[version] = (union, [.. version.Members.Select(m => members.IndexOf(m))]);
            }
        }

        Incompatibilities = [.. incompatible];
        Attributes = [.. attributes];
        Space = new CustomerSpace(Attributes);
        Algebra = new RegionAlgebra(Space);
        Witnesses = new WitnessPicker(Space, null);
        IsComparable = incompatible.Count == 0 && Attributes.All(a => a.Members.Length <= CustomerSpace.MaxMembers);
        if (!IsComparable)
        {
            return;
        }

        // Most segments are the same in both versions: build each definition's region once. A
        // segment named in a predicate stands for its own version's customers, so segments are
        // built after those they are defined through, and a definition that names segments is
        // not shared between the versions (the same text may mean different customers).
        var builder = new RegionBuilder(Algebra, s => _regions.TryGetValue(s, out Region? r) ? r : Region.Empty);
        var byDefinition = new Dictionary<string, Region>(StringComparer.Ordinal);
        foreach ((BoundPolicy policy, SegmentSymbol segment) in SegmentRegions.DefinitionOrder(oldPolicy.Segments).Select(s => (oldPolicy, s))
            .Concat(SegmentRegions.DefinitionOrder(newPolicy.Segments).Select(s => (newPolicy, s))))
        {
            string key = DefinitionOf(policy, segment);
            if (!segment.ReferencedSegments.IsEmpty)
            {
                _regions[segment] = builder.Build(Translate(segment.Predicate!));
                continue;
            }

            if (!byDefinition.TryGetValue(key, out Region? region))
            {
                byDefinition[key] = region = segment.IsAssigned
                    ? new Region([Space.With(Space.FullBox, _segmentAxis, new Constraint(default, 1UL << _assignedNames.IndexOf(segment.Name)))])
                    : builder.Build(Translate(segment.Predicate!));
            }

            _regions[segment] = region;
        }
    }

    /// <summary>The axes: the assigned-segment axis first when there is one, then the attributes.</summary>
    public ImmutableArray<AttributeSymbol> Attributes { get; }

    public CustomerSpace Space { get; }

    public RegionAlgebra Algebra { get; }

    public WitnessPicker Witnesses { get; }

    /// <summary>False when the customers of the two versions cannot be put in one space (see <see cref="Incompatibilities"/>).</summary>
    public bool IsComparable { get; }

    public ImmutableArray<string> Incompatibilities { get; }

    /// <summary>
    /// What decides a segment's customers, as text: its assigned name, or its predicate with the
    /// layout normalised. Equal definitions have equal regions in this space, since attributes and
    /// enum members are matched by name; the comparison uses this to skip work, never to decide.
    /// </summary>
    public static string DefinitionOf(BoundPolicy policy, SegmentSymbol segment) => segment.IsAssigned
        ? "assigned " + segment.Name
        : "where " + string.Join(" ", policy.TextOf(segment.Syntax.Predicate!).Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>A segment's customers, for a segment of either version.</summary>
    public Region RegionOf(SegmentSymbol segment) => _regions[segment];

    public Region Union(IEnumerable<Region> regions) => new([.. regions.SelectMany(r => r.Boxes)]);

    public Region SymmetricDifference(Region a, Region b) =>
        Union([Algebra.Subtract(a, b), Algebra.Subtract(b, a)]);

    public bool AreEqual(Region a, Region b) => Algebra.Subtract(a, b).IsEmpty && Algebra.Subtract(b, a).IsEmpty;

    /// <summary>"assets >= 250000 and tenure_years = 0 or …", at most a few parts.</summary>
    public string Describe(Region region, int maxParts = 3)
    {
        var parts = region.Boxes.Select(Witnesses.Describe).Select(d => d.Length == 0 ? "every customer" : d).Distinct().ToList();
        return parts.Count <= maxParts
            ? string.Join(" or ", parts.Select(p => parts.Count > 1 && p.Contains(" and ") ? $"({p})" : p))
            : string.Join(" or ", parts.Take(maxParts).Select(p => p.Contains(" and ") ? $"({p})" : p)) + $" or {parts.Count - maxParts} more parts";
    }

    /// <summary>A readable customer of a non-empty region.</summary>
    public decimal[] PickPoint(Region region) => Witnesses.PickPoint(region);

    public Diagnostics.Witness ToWitness(decimal[] point) => Witnesses.ToWitness(point);

    public bool Contains(Region region, decimal[] point) => Space.Contains(region, point);

    /// <summary>A customer given by name and value as a point of this space.</summary>
    public decimal[] PointOf(Diagnostics.Witness customer)
    {
        var values = customer.Values.ToDictionary(v => v.Key, v => v.Value);
        var point = new decimal[Attributes.Length];
        for (int d = 0; d < Attributes.Length; d++)
        {
            AttributeSymbol attribute = Attributes[d];
            if (!values.TryGetValue(attribute.Name, out Diagnostics.WitnessValue value))
            {
                throw new ArgumentException($"the customer has no value for '{attribute.Name}'", nameof(customer));
            }

            point[d] = value.Number ?? (value.Bool is { } flag ? (flag ? 1 : 0) : attribute.Members.IndexOf(value.Name ?? ""));
        }

        return point;
    }

    /// <summary>The same predicate over the union's attributes (enum members renumbered).</summary>
    private BoundPredicate Translate(BoundPredicate predicate) => predicate switch
    {
        BoundComparison c => c with { Attribute = _translation[c.Attribute].Union },
        BoundMembership m when m.Attribute.Type == AttributeKind.Enum =>
            m with { Attribute = _translation[m.Attribute].Union, Values = [.. m.Values.Select(v => (decimal)_translation[m.Attribute].Members[(int)v])] },
        BoundMembership m => m with { Attribute = _translation[m.Attribute].Union },
        BoundNot n => n with { Operand = Translate(n.Operand) },
        BoundLogical l => l with { Operands = [.. l.Operands.Select(Translate)] },
        BoundSegmentReference r => r,
        _ => throw new InvalidOperationException($"Unexpected predicate {predicate.GetType().Name}"),
    };
}
