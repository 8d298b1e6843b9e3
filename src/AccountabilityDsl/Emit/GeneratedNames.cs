using AccountabilityDsl.Binding;

namespace AccountabilityDsl.Emit;

/// <summary>
/// Every C# name the generated class uses for policy declarations, chosen once so that no two
/// collide: nested enum types for enum attributes (PascalCase, <c>Value</c> appended when that
/// name is already taken, e.g. <c>RegionValue</c>), customer properties (PascalCase, made
/// unique), and enum members (the declared names, escaped; <c>_</c> appended when a member would
/// be named like its enum, which C# does not allow).
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
        // Inherited from object.
        "Equals", "GetHashCode", "ToString", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    /// <summary>Members every record has, plus the generated customer's own.</summary>
    private static readonly IReadOnlySet<string> CustomerMembers = new HashSet<string>(StringComparer.Ordinal)
    {
        "Customer", "AssignedSegment", "EqualityContract", "Equals", "GetHashCode", "ToString", "PrintMembers",
        "Deconstruct", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals", "Clone",
    };

    private readonly Dictionary<AttributeSymbol, string> _enumTypes = [];
    private readonly Dictionary<AttributeSymbol, string> _properties = [];

    public GeneratedNames(BoundPolicy policy, string className)
    {
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
    }

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
