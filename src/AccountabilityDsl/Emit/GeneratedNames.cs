using AccountabilityDsl.Binding;

namespace AccountabilityDsl.Emit;

/// <summary>
/// Every C# name the generated class uses for policy declarations, chosen once so that no two
/// collide: nested enum types for enum attributes (PascalCase, <c>Value</c> appended when that
/// name is already taken, e.g. <c>RegionValue</c>), customer properties (PascalCase, made
/// unique), and enum members (the declared names, escaped; <c>_</c> appended when a member would
/// be named like its enum, which C# does not allow). The emitters refer to declarations only
/// through it (<see cref="Segment"/>, <see cref="Owner"/>, …), so every reference is escaped.
/// </summary>
internal sealed class GeneratedNames
{
    /// <summary>Names of the generated class's own members and nested types.</summary>
    public static readonly IReadOnlySet<string> ClassMembers = new HashSet<string>(StringComparer.Ordinal)
    {
        "Segment", "Stage", "Owner", "Channel", "Offer", "Customer",
        "PolicyName", "SourceFile", "SegmentCount", "StageCount", "OwnerCount", "ChannelCount", "OfferCount",
        "IsIn", "SegmentsOf", "AccountableFor", "AccountableOwner", "ContactPolicy", "IsApproved", "Targets",
        "CreateGate", "CreateRequest", "RankOffers", "NameOf", "DefinitionOf",
        "AccountableTable", "SegmentNames", "StageNames", "OwnerNames", "ChannelNames", "OfferNames",
        "SingleOwner", "NoOwners", "Approves", "IsInAnySegment", "CheckRange",
        "Fallback", "ClaimedOwner", "IsFromFallback", "IsOwnedThroughFallback", "ReportsTo", "ReportsToTable", "EscalationChain", "ApprovesDirectly",
        // Private members of earlier generated classes (now in the runtime's PolicyModel) stay
        // reserved above, so an enum attribute keeps the type name it was generated with. The
        // model's field has an underscore, which no PascalCase attribute name has.
        ModelField,
        // Inherited from object.
        "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    /// <summary>Members every record has, plus the generated customer's own.</summary>
    private static readonly IReadOnlySet<string> CustomerMembers = new HashSet<string>(StringComparer.Ordinal)
    {
        "Customer", "AssignedSegment", "EqualityContract", "Equals", "GetHashCode", "ToString", "PrintMembers",
        "Deconstruct", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals", "Clone",
    };

    /// <summary>The private static field holding the class's runtime <c>PolicyModel</c>.</summary>
    public const string ModelField = "_model";

    private readonly Dictionary<AttributeSymbol, string> _enumTypes = [];
    private readonly Dictionary<AttributeSymbol, string> _properties = [];
    private readonly Dictionary<AttributeSymbol, IReadOnlyList<string>> _attributeMembers = [];
    private readonly Dictionary<OwnerSymbol, int> _ownerIndex = [];

    public GeneratedNames(BoundPolicy policy, string className)
    {
        Segments = Members(policy.Segments.Select(s => s.Name), "Segment");
        Stages = Members(policy.Stages.Select(s => s.Name), "Stage");
        Owners = Members(policy.Owners.Select(s => s.Name), "Owner");
        Channels = Members(policy.Channels.Select(s => s.Name), "Channel");
        Offers = Members(policy.Offers.Select(s => s.Name), "Offer");
        for (int i = 0; i < policy.Owners.Length; i++)
        {
            _ownerIndex[policy.Owners[i]] = i;
        }

        var types = new HashSet<string>(ClassMembers, StringComparer.Ordinal) { className };
        var properties = new HashSet<string>(CustomerMembers, StringComparer.Ordinal);
        foreach (AttributeSymbol attribute in policy.Attributes)
        {
            string pascal = CSharpText.Shorten(CSharpText.PascalCase(attribute.Name));
            if (attribute.Type == Syntax.AttributeKind.Enum)
            {
                _enumTypes[attribute] = Unique(pascal, "Value", types);
            }

            _properties[attribute] = Unique(pascal, "Value", properties);
        }

        foreach (AttributeSymbol attribute in policy.Attributes.Where(a => a.Type == Syntax.AttributeKind.Enum))
        {
            _attributeMembers[attribute] = Members(attribute.Members, _enumTypes[attribute]);
        }
    }

    /// <summary>The members of the <c>Segment</c> enum, in declaration order (unescaped).</summary>
    public IReadOnlyList<string> Segments { get; }

    /// <summary>The members of the <c>Stage</c> enum, in lifecycle order (unescaped).</summary>
    public IReadOnlyList<string> Stages { get; }

    /// <summary>The members of the <c>Owner</c> enum, in declaration order (unescaped).</summary>
    public IReadOnlyList<string> Owners { get; }

    /// <summary>The members of the <c>Channel</c> enum, in declaration order (unescaped).</summary>
    public IReadOnlyList<string> Channels { get; }

    /// <summary>The members of the <c>Offer</c> enum, in declaration order (unescaped).</summary>
    public IReadOnlyList<string> Offers { get; }

    /// <summary>The members of an enum attribute's enum, in declaration order (unescaped).</summary>
    public IReadOnlyList<string> AttributeMembers(AttributeSymbol attribute) => _attributeMembers[attribute];

    /// <summary>The owner's value in the <c>Owner</c> enum (its declaration order).</summary>
    public int OwnerIndex(OwnerSymbol owner) => _ownerIndex[owner];

    /// <summary>C# for the segment's enum member: <c>Segment.Affluent</c>.</summary>
    public string Segment(SegmentSymbol segment) => "Segment." + CSharpText.Identifier(Segments[segment.Ordinal]);

    /// <summary>C# for the stage's enum member: <c>Stage.Active</c>.</summary>
    public string Stage(StageSymbol stage) => "Stage." + CSharpText.Identifier(Stages[stage.Ordinal]);

    /// <summary>C# for the owner's enum member: <c>Owner.Sales</c>.</summary>
    public string Owner(OwnerSymbol owner) => "Owner." + CSharpText.Identifier(Owners[_ownerIndex[owner]]);

    /// <summary>C# for the offer's enum member: <c>Offer.BoatLoan</c>.</summary>
    public string Offer(OfferSymbol offer) => "Offer." + CSharpText.Identifier(Offers[offer.Ordinal]);

    /// <summary>C# for the value of an enum attribute: <c>Region.North</c>.</summary>
    public string AttributeMember(AttributeSymbol attribute, int value) =>
        CSharpText.Identifier(EnumType(attribute)) + "." + CSharpText.Identifier(_attributeMembers[attribute][value]);

    /// <summary>The nested enum type of an enum attribute (unescaped; PascalCase never yields a keyword that matters, but callers escape anyway).</summary>
    public string EnumType(AttributeSymbol attribute) => _enumTypes[attribute];

    /// <summary>The customer property of an attribute.</summary>
    public string Property(AttributeSymbol attribute) => _properties[attribute];

    /// <summary>
    /// Enum member names in order: the declared ones (<see cref="CSharpText.Shorten"/>ed), with <c>_</c> appended to a name that
    /// equals its enum's name or <c>value__</c> (C# allows neither) until it is unique.
    /// </summary>
    public static IReadOnlyList<string> Members(IEnumerable<string> names, string enumName)
    {
        var declared = names.Select(CSharpText.Shorten).ToList();
        var taken = new HashSet<string>(declared, StringComparer.Ordinal);
        var result = new List<string>(declared.Count);
        foreach (string name in declared)
        {
            string member = name;
            if (member == enumName || member == "value__")
            {
                do
                {
                    member += "_";
                }
                while (member == enumName || taken.Contains(member));

                taken.Add(member);
            }

            result.Add(member);
        }

        return result;
    }

    private static string Unique(string name, string suffix, HashSet<string> taken)
    {
        string candidate = name;
        if (taken.Contains(candidate))
        {
            candidate = name + suffix;
        }

        for (int n = 2; taken.Contains(candidate); n++)
        {
            candidate = name + suffix + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        taken.Add(candidate);
        return candidate;
    }
}
