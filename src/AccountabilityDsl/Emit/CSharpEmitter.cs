using System.Collections.Immutable;
using System.Text;
using AccountabilityDsl.Analysis;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Syntax;
using Microsoft.CodeAnalysis.CSharp;
using static AccountabilityDsl.Emit.CSharpText;

namespace AccountabilityDsl.Emit;

/// <summary>
/// Writes the C# class for a policy that checks without errors: nested enums for segments,
/// stages, owners, channels, offers and enum attributes; a customer record; segment membership,
/// accountable-owner lookup (a table shared with the checker's <see cref="AccountabilityMap"/>),
/// offer approval and targeting; and the runtime <c>ContactPolicy</c> with every limit,
/// capacity, cool-down, exemption and offer. See docs/generated-code.md.
/// </summary>
public static class CSharpEmitter
{
    /// <summary>The namespace of the generated class when the policy names none and no override is given.</summary>
    public const string DefaultNamespace = "AccountabilityDsl.Generated";

    private const string Runtime = "global::AccountabilityDsl.Runtime.";
    private const string Sys = "global::System.";
    private const string Generic = "global::System.Collections.Generic.";

    /// <summary>
    /// The C# for the compilation's policy, or — when the compilation has errors — no source,
    /// <c>Success = false</c> and the compilation's diagnostics. Deterministic: the same policy
    /// text and file name always give the same source. Thread-safe (no shared state).
    /// </summary>
    /// <exception cref="ArgumentException">The namespace override is not a dotted list of C# identifiers.</exception>
    public static EmitResult Emit(PolicyCompilation compilation, EmitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        BoundPolicy policy = compilation.Policy;
        // Names too long for .NET metadata or a file name are shortened (CSharpText.Shorten).
        string className = CSharpText.Shorten(policy.Name) + "Policy";
        string hintName = className + ".g.cs";
        string ns = CSharpText.ShortenNamespace(options?.NamespaceOverride is { } overridden
            ? CheckedNamespace(overridden)
            : policy.Namespace ?? DefaultNamespace);

        if (compilation.HasErrors)
        {
            return new EmitResult(false, hintName, "", compilation.Diagnostics);
        }

        string text = new Writer(compilation.Facts, className, ns).Write();
        // The writer lays the code out itself (readably: tables by row, one rule per line); Roslyn
        // parses the result so that a generator bug can never hand invalid C# to a build.
        Microsoft.CodeAnalysis.SyntaxTree tree = CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Latest));
        if (tree.GetDiagnostics().FirstOrDefault(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error) is { } error)
        {
            throw new InvalidOperationException($"The generated C# for policy '{policy.Name}' does not parse: {error}");
        }

        return new EmitResult(true, hintName, text, []);
    }

    private static string CheckedNamespace(string value)
    {
        if (value.Length == 0 || value.Split('.').Any(part => !IsValidIdentifier(part)))
        {
            throw new ArgumentException($"'{value}' is not a C# namespace (dotted identifiers).", nameof(EmitOptions.NamespaceOverride));
        }

        return value;
    }

    /// <summary>Builds the unformatted source; Roslyn lays it out afterwards.</summary>
    private sealed class Writer
    {
        private readonly BoundPolicy _policy;
        private readonly string _className;
        private readonly string _namespace;
        private readonly string _file;
        private readonly GeneratedNames _names;
        private readonly AccountabilityMap _map;
        private readonly IReadOnlyList<string> _segments;
        private readonly IReadOnlyList<string> _stages;
        private readonly IReadOnlyList<string> _owners;
        private readonly IReadOnlyList<string> _channels;
        private readonly IReadOnlyList<string> _offers;
        private readonly Dictionary<AttributeSymbol, IReadOnlyList<string>> _attributeMembers = [];
        private readonly Dictionary<OwnerSymbol, int> _ownerIndex = [];
        private readonly StringBuilder _out = new();

        public Writer(PolicyFacts facts, string className, string ns)
        {
            BoundPolicy policy = facts.Policy;
            _policy = policy;
            _className = className;
            _namespace = ns;
            // A policy of several files is named after all of them, in the order they were given.
            _file = RuntimeRuleFacts.SourceFileName(policy);
            _names = new GeneratedNames(policy, className);
            _map = facts.Accountability;
            _segments = GeneratedNames.Members(policy.Segments.Select(s => s.Name), "Segment");
            _stages = GeneratedNames.Members(policy.Stages.Select(s => s.Name), "Stage");
            _owners = GeneratedNames.Members(policy.Owners.Select(s => s.Name), "Owner");
            _channels = GeneratedNames.Members(policy.Channels.Select(s => s.Name), "Channel");
            _offers = GeneratedNames.Members(policy.Offers.Select(s => s.Name), "Offer");
            for (int i = 0; i < policy.Owners.Length; i++)
            {
                _ownerIndex[policy.Owners[i]] = i;
            }

            foreach (AttributeSymbol attribute in policy.Attributes.Where(a => a.Type == AttributeKind.Enum))
            {
                _attributeMembers[attribute] = GeneratedNames.Members(attribute.Members, _names.EnumType(attribute));
            }
        }

        private string Segment(SegmentSymbol s) => "Segment." + Identifier(_segments[s.Ordinal]);

        private string Stage(StageSymbol s) => "Stage." + Identifier(_stages[s.Ordinal]);

        private string Owner(OwnerSymbol o) => "Owner." + Identifier(_owners[_ownerIndex[o]]);

        private string Offer(OfferSymbol o) => "Offer." + Identifier(_offers[o.Ordinal]);

        private int Line(SyntaxNode node) => _policy.LineOf(node);

        private string Where(SyntaxNode node) => $"{RuntimeRuleFacts.SourceFileOf(_policy, node)}:{Line(node)}";

        /// <summary>A rule's source line: in <c>SourceFile</c> for a one-file policy, else in the node's own file.</summary>
        private string SourceLine(SyntaxNode node) =>
            $"new {Runtime}SourceLine({(_policy.Trees.Length == 1 ? "SourceFile" : String(RuntimeRuleFacts.SourceFileOf(_policy, node)))}, {Int(Line(node))}, {String(RuntimeRuleFacts.RuleText(_policy, node))})";

        public string Write()
        {
            L("// <auto-generated/>");
            // OneLine turns every line break C# knows (all are white space) into a space.
            L("// Generated by ownerc from " + OneLine(_file) + ". Do not edit: change the policy and generate again.");
            L("#nullable enable");
            L("");
            L($"namespace {Namespace(_namespace)};");
            L("");
            Doc($"The accountability and contact policy {_policy.Name}, compiled from {_file}.",
                "Generated by ownerc: who is accountable for each segment and stage, which segments a customer is in, and the contact rules to gate every contact with.");
            L($"public sealed partial class {Identifier(_className)}");
            L("{");
            WriteConstants();
            L("");
            WriteEnums();
            WriteCustomer();
            WriteNames();
            WriteMembership();
            WriteAccountability();
            WriteOffers();
            WriteContactPolicy();
            WriteGate();
            L("}");
            return _out.ToString();
        }

        private void WriteConstants()
        {
            Doc("The policy's name as declared in its header.");
            L($"public const string PolicyName = {String(_policy.Name)};");
            L("");
            Doc("The .owner file the policy was generated from.");
            L($"public const string SourceFile = {String(_file)};");
            L("");
            Doc("The number of segments.");
            L($"public const int SegmentCount = {_segments.Count};");
            L("");
            Doc("The number of lifecycle stages.");
            L($"public const int StageCount = {_stages.Count};");
            L("");
            Doc("The number of owners.");
            L($"public const int OwnerCount = {_owners.Count};");
            L("");
            Doc("The number of channels.");
            L($"public const int ChannelCount = {_channels.Count};");
            L("");
            Doc("The number of offers.");
            L($"public const int OfferCount = {_offers.Count};");
        }

        private void WriteEnums()
        {
            Doc("The policy's customer segments, in declaration order.");
            L("public enum Segment");
            L("{");
            foreach (SegmentSymbol segment in _policy.Segments)
            {
                string what = segment.IsAssigned
                    ? "Assigned by the host application (Customer.AssignedSegment)."
                    : "Customers where " + OneLine(_policy.TextOf(segment.Syntax.Predicate!)) + ".";
                DocMember(segment.Documentation ?? $"Segment {segment.Name}.", what, segment.Syntax);
                L($"{Identifier(_segments[segment.Ordinal])} = {segment.Ordinal},");
                Separate(segment.Ordinal, _segments.Count);
            }

            L("}");
            L("");
            Doc("The customer lifecycle stages, in order.");
            L("public enum Stage");
            L("{");
            foreach (StageSymbol stage in _policy.Stages)
            {
                DocMember($"Stage {stage.Name}.", null, stage.Declaration);
                L($"{Identifier(_stages[stage.Ordinal])} = {stage.Ordinal},");
                Separate(stage.Ordinal, _stages.Count);
            }

            L("}");
            L("");
            Doc("The accountable parties: functions, roles or teams.");
            L("public enum Owner");
            L("{");
            for (int i = 0; i < _policy.Owners.Length; i++)
            {
                OwnerSymbol owner = _policy.Owners[i];
                DocMember(owner.Documentation ?? $"Owner {owner.Name}.", null, owner.Syntax);
                L($"{Identifier(_owners[i])} = {i},");
                Separate(i, _owners.Count);
            }

            L("}");
            L("");
            Doc("The contact channels.");
            L("public enum Channel");
            L("{");
            for (int i = 0; i < _policy.Channels.Length; i++)
            {
                ChannelSymbol channel = _policy.Channels[i];
                string? capacity = channel.Capacity is { } c ? $"Capacity: at most {c.Amount} per {c.Period.ToString().ToLowerInvariant()}, all customers." : null;
                DocMember($"Channel {channel.Name}.", capacity, channel.Syntax);
                L($"{Identifier(_channels[i])} = {i},");
                Separate(i, _channels.Count);
            }

            L("}");
            L("");
            Doc("The offers (promotions), in declaration order.");
            L("public enum Offer");
            L("{");
            foreach (OfferSymbol offer in _policy.Offers)
            {
                DocMember($"Offer {offer.Name}, sponsored by {offer.Sponsor?.Name}.", OneLine(_policy.TextOf(offer.Syntax)), offer.Syntax);
                L($"{Identifier(_offers[offer.Ordinal])} = {offer.Ordinal},");
                Separate(offer.Ordinal, _offers.Count);
            }

            L("}");

            foreach (AttributeSymbol attribute in _policy.Attributes.Where(a => a.Type == AttributeKind.Enum))
            {
                L("");
                Doc($"The values of the attribute {attribute.Name}.", $"Declared at {Where(attribute.Declaration)}.");
                L($"public enum {Identifier(_names.EnumType(attribute))}");
                L("{");
                IReadOnlyList<string> members = _attributeMembers[attribute];
                for (int i = 0; i < members.Count; i++)
                {
                    Doc($"{attribute.Name} = {attribute.Members[i]}.");
                    L($"{Identifier(members[i])} = {i},");
                    Separate(i, members.Count);
                }

                L("}");
            }
        }

        private string TypeOf(AttributeSymbol attribute) => attribute.Type switch
        {
            AttributeKind.Int => "int",
            AttributeKind.Decimal => "decimal",
            AttributeKind.Bool => "bool",
            _ => Identifier(_names.EnumType(attribute)),
        };

        private void WriteCustomer()
        {
            var docs = new List<string> { "<summary>A customer as the policy sees it: the declared attributes" + (_policy.HasAssignedSegments ? " and the segment the host assigned." : ".") + "</summary>" };
            var parameters = new List<string>();
            foreach (AttributeSymbol attribute in _policy.Attributes)
            {
                string property = Identifier(_names.Property(attribute));
                docs.Add($"<param name=\"{_names.Property(attribute)}\">" + Escape($"The attribute {attribute.Name} ({attribute.TypeDisplay}), declared at {Where(attribute.Declaration)}.") + "</param>");
                parameters.Add($"{TypeOf(attribute)} {property}");
            }

            if (_policy.HasAssignedSegments)
            {
                docs.Add("<param name=\"AssignedSegment\">The assigned segment (one without a where predicate) the host put the customer in, if any.</param>");
                parameters.Add("Segment? AssignedSegment = null");
            }

            L("");
            foreach (string line in docs)
            {
                L("/// " + line);
            }

            L($"public sealed record Customer({string.Join(", ", parameters)});");
        }

        private void WriteNames()
        {
            NameTable("Segment", "segment", _policy.Segments.Select(s => s.Name));
            NameTable("Stage", "stage", _policy.Stages.Select(s => s.Name));
            NameTable("Owner", "owner", _policy.Owners.Select(s => s.Name));
            NameTable("Channel", "channel", _policy.Channels.Select(s => s.Name));
            NameTable("Offer", "offer", _policy.Offers.Select(s => s.Name));
        }

        private void NameTable(string type, string parameter, IEnumerable<string> names)
        {
            L("");
            L($"private static readonly string[] {type}Names = {Array("string", names.Select(String))};");
            L("");
            Doc($"The {parameter}'s name as written in the policy (the runtime library identifies {parameter}s by these names).");
            L($"public static string NameOf({type} {parameter}) => {type}Names[CheckRange((int){parameter}, {type}Count, \"{parameter}\")];");
        }

        private void WriteMembership()
        {
            L("");
            L($"private static int CheckRange(int value, int count, string parameter) => (uint)value < (uint)count ? value : throw new {Sys}ArgumentOutOfRangeException(parameter, value, \"Not a value the policy declares.\");");

            L("");
            Doc("True when the customer is in the segment: its where predicate holds, or, for an assigned segment, the host assigned the customer to it.");
            L("public static bool IsIn(Segment segment, Customer customer)");
            L("{");
            L($"{Sys}ArgumentNullException.ThrowIfNull(customer);");
            L("return segment switch");
            L("{");
            foreach (SegmentSymbol segment in _policy.Segments)
            {
                string condition = segment.IsAssigned
                    ? $"customer.AssignedSegment == {Segment(segment)}"
                    : Predicate(segment.Predicate!, top: true);
                L($"{Segment(segment)} => {condition},");
            }

            L($"_ => throw new {Sys}ArgumentOutOfRangeException(\"segment\", segment, \"Not a segment the policy declares.\"),");
            L("};");
            L("}");

            L("");
            Doc("The segments the customer is in, in declaration order (predicate segments may overlap).");
            L($"public static {Generic}IReadOnlyList<Segment> SegmentsOf(Customer customer)");
            L("{");
            L($"{Sys}ArgumentNullException.ThrowIfNull(customer);");
            L($"{Generic}List<Segment> segments = new {Generic}List<Segment>();");
            L("for (int i = 0; i < SegmentCount; i++)");
            L("{");
            L("if (IsIn((Segment)i, customer))");
            L("{");
            L("segments.Add((Segment)i);");
            L("}");
            L("}");
            L("return segments;");
            L("}");

            L("");
            L("private static bool IsInAnySegment(Customer customer)");
            L("{");
            L("for (int i = 0; i < SegmentCount; i++)");
            L("{");
            L("if (IsIn((Segment)i, customer))");
            L("{");
            L("return true;");
            L("}");
            L("}");
            L("return false;");
            L("}");
        }

        private string Property(AttributeSymbol attribute) => "customer." + Identifier(_names.Property(attribute));

        private string Predicate(BoundPredicate predicate, bool top = false)
        {
            string text = predicate switch
            {
                BoundComparison c => $"{Property(c.Attribute)} {Operator(c.Operator)} {Number(c.Attribute, c.Value)}",
                BoundMembership m => Membership(m),
                BoundSegmentReference r => $"IsIn({Segment(r.Segment)}, customer)",
                // Logicals come back parenthesised, memberships are parenthesised or atoms.
                BoundNot { Operand: BoundComparison } n => "!(" + Predicate(n.Operand) + ")",
                BoundNot n => "!" + Predicate(n.Operand),
                BoundLogical { Operands.IsEmpty: true } l => l.Operator == LogicalOperator.And ? "true" : "false",
                BoundLogical l => string.Join(l.Operator == LogicalOperator.And ? " && " : " || ", l.Operands.Select(o => Predicate(o))),
                _ => throw new InvalidOperationException($"Unexpected predicate {predicate.GetType().Name}."),
            };
            return top || predicate is not BoundLogical ? text : "(" + text + ")";
        }

        // The policy's operators are C#'s: the same table the parser and formatter use.
        private static string Operator(ComparisonOperator op) => AccountabilityDsl.Syntax.SyntaxFacts.Text(op);

        /// <summary>An int attribute compares with an int literal when the number is whole and in range; otherwise as decimal.</summary>
        private static string Number(AttributeSymbol attribute, decimal value) =>
            attribute.Type == AttributeKind.Int && decimal.Truncate(value) == value && value is >= int.MinValue and <= int.MaxValue
                ? Int((int)value)
                : Decimal(value);

        private string Membership(BoundMembership m)
        {
            if (m.Values.IsEmpty)
            {
                return "false";
            }

            switch (m.Attribute.Type)
            {
                case AttributeKind.Bool:
                    bool hasTrue = m.Values.Contains(1m), hasFalse = m.Values.Contains(0m);
                    return hasTrue && hasFalse ? "true" : hasTrue ? Property(m.Attribute) : hasFalse ? "!" + Property(m.Attribute) : "false";
                case AttributeKind.Enum:
                    string type = Identifier(_names.EnumType(m.Attribute));
                    IReadOnlyList<string> members = _attributeMembers[m.Attribute];
                    return "(" + Property(m.Attribute) + " is " + string.Join(" or ", m.Values.Distinct().Select(v => $"{type}.{Identifier(members[(int)v])}")) + ")";
                default:
                    return "(" + Property(m.Attribute) + " is " + string.Join(" or ", m.Values.Distinct().Select(v => Number(m.Attribute, v))) + ")";
            }
        }

        private void WriteAccountability()
        {
            int owners = _owners.Count;
            string element = owners < byte.MaxValue ? "byte" : "ushort";
            L("");
            L($"// The accountable owner of each (segment, stage) cell, as the checker resolves it: index");
            L($"// segment * StageCount + stage; 0 = nobody, else owner + 1. One row per segment.");
            L($"private static {Sys}ReadOnlySpan<{element}> AccountableTable => new {element}[]");
            L("{");
            foreach (SegmentSymbol segment in _policy.Segments)
            {
                var cells = _policy.Stages.Select(stage => _map.OwnerOf(segment, stage) is { } o ? _ownerIndex[o] + 1 : 0);
                L($"{string.Join(", ", cells)},");
            }

            L("};");

            string fallback = _policy.Fallback is { } f ? Owner(f) : "null";
            L("");
            Doc("The fallback owner: accountable for the customers no accountable line gives an owner; null when the policy names none.");
            L($"public static Owner? Fallback => {fallback};");

            L("");
            L("// The owner an accountable line gives the cell, or null: the fallback is not applied here.");
            L("private static Owner? ClaimedOwner(int segment, Stage stage)");
            L("{");
            L("int cell = AccountableTable[segment * StageCount + (int)stage];");
            L("return cell == 0 ? null : (Owner)(cell - 1);");
            L("}");

            L("");
            Doc("The owner accountable for the segment at the stage: the owner its accountable line names, or else the fallback owner (see IsFromFallback), or null when there is neither (a vacuum the checker reports as OWN0101). A table lookup: no allocation.");
            L("public static Owner? AccountableFor(Segment segment, Stage stage) =>");
            L("ClaimedOwner(CheckRange((int)segment, SegmentCount, \"segment\"), (Stage)CheckRange((int)stage, StageCount, \"stage\")) ?? Fallback;");

            L("");
            Doc("True when no accountable line claims the cell and its owner is the fallback owner (the checker lists such cells as OWN0106).");
            L("public static bool IsFromFallback(Segment segment, Stage stage) =>");
            L("Fallback is not null && ClaimedOwner(CheckRange((int)segment, SegmentCount, \"segment\"), (Stage)CheckRange((int)stage, StageCount, \"stage\")) is null;");

            L("");
            Doc("True when the customer is in some segment but no accountable line gives them an owner at the stage, so their owner is the fallback owner.");
            L("public static bool IsOwnedThroughFallback(Customer customer, Stage stage)");
            L("{");
            L($"{Sys}ArgumentNullException.ThrowIfNull(customer);");
            L("CheckRange((int)stage, StageCount, \"stage\");");
            L("if (Fallback is null || !IsInAnySegment(customer))");
            L("{");
            L("return false;");
            L("}");
            L("for (int i = 0; i < SegmentCount; i++)");
            L("{");
            L("if (IsIn((Segment)i, customer) && ClaimedOwner(i, stage) is not null)");
            L("{");
            L("return false;");
            L("}");
            L("}");
            L("return true;");
            L("}");

            WriteEscalation();

            L("");
            L($"private static readonly {Generic}IReadOnlyList<Owner> NoOwners = {Sys}Array.Empty<Owner>();");
            L($"private static readonly {Generic}IReadOnlyList<Owner>[] SingleOwner = CreateSingleOwners();");
            L($"private static {Generic}IReadOnlyList<Owner>[] CreateSingleOwners()");
            L("{");
            L($"{Generic}IReadOnlyList<Owner>[] lists = new {Generic}IReadOnlyList<Owner>[OwnerCount];");
            L("for (int i = 0; i < OwnerCount; i++)");
            L("{");
            L($"lists[i] = {Sys}Array.AsReadOnly(new Owner[] {{ (Owner)i }});");
            L("}");
            L("return lists;");
            L("}");

            L("");
            Doc("The distinct owners accountable at the stage for the segments the customer is in, in segment order, or the fallback owner when none of those segments has one. One owner is the rule; none is a vacuum (OWN0101); more than one is an overlap conflict the checker reports as OWN0104. Allocates only for more than one owner.");
            L($"public static {Generic}IReadOnlyList<Owner> AccountableFor(Customer customer, Stage stage)");
            L("{");
            L($"{Sys}ArgumentNullException.ThrowIfNull(customer);");
            L("CheckRange((int)stage, StageCount, \"stage\");");
            L("Owner? first = null;");
            L($"{Generic}List<Owner>? more = null;");
            L("for (int i = 0; i < SegmentCount; i++)");
            L("{");
            L("if (!IsIn((Segment)i, customer) || ClaimedOwner(i, stage) is not { } owner)");
            L("{");
            L("continue;");
            L("}");
            L("if (first is null)");
            L("{");
            L("first = owner;");
            L("}");
            L("else if (more is null ? owner != first.Value : !more.Contains(owner))");
            L("{");
            L($"(more ??= new {Generic}List<Owner> {{ first.Value }}).Add(owner);");
            L("}");
            L("}");
            L("first ??= IsInAnySegment(customer) ? Fallback : null;");
            L("return more is not null ? more.AsReadOnly() : first is { } single ? SingleOwner[(int)single] : NoOwners;");
            L("}");

            L("");
            Doc("The single owner accountable for the customer at the stage; null when nobody is, or when the customer's segments have different owners (see AccountableFor(Customer, Stage)).");
            L("public static Owner? AccountableOwner(Customer customer, Stage stage)");
            L("{");
            L($"{Sys}ArgumentNullException.ThrowIfNull(customer);");
            L("CheckRange((int)stage, StageCount, \"stage\");");
            L("Owner? result = null;");
            L("for (int i = 0; i < SegmentCount; i++)");
            L("{");
            L("if (!IsIn((Segment)i, customer) || ClaimedOwner(i, stage) is not { } owner)");
            L("{");
            L("continue;");
            L("}");
            L("if (result is { } known && known != owner)");
            L("{");
            L("return null;");
            L("}");
            L("result = owner;");
            L("}");
            L("return result ?? (IsInAnySegment(customer) ? Fallback : null);");
            L("}");
        }

        private void WriteEscalation()
        {
            L("");
            L("// The owner each owner reports to, + 1; 0 = nobody.");
            L($"private static {Sys}ReadOnlySpan<int> ReportsToTable => new int[] {{ {string.Join(", ", _policy.Owners.Select(o => o.ReportsTo is { } superior ? _ownerIndex[superior] + 1 : 0))} }};");

            L("");
            Doc("The owner this owner reports to (its 'reports to' line), or null for an owner at the top.");
            L("public static Owner? ReportsTo(Owner owner)");
            L("{");
            L("int superior = ReportsToTable[CheckRange((int)owner, OwnerCount, \"owner\")];");
            L("return superior == 0 ? null : (Owner)(superior - 1);");
            L("}");

            L("");
            Doc("The owner followed by everyone it reports to, directly or not, up to the top: the line an escalation follows.");
            L($"public static {Generic}IReadOnlyList<Owner> EscalationChain(Owner owner)");
            L("{");
            L($"{Generic}List<Owner> chain = new {Generic}List<Owner>();");
            L("// The checker rejects reporting cycles (OWN0107); the bound only guards the loop.");
            L("for (Owner? current = owner; current is { } known && chain.Count < OwnerCount; current = ReportsTo(known))");
            L("{");
            L("chain.Add(known);");
            L("}");
            L("return chain.AsReadOnly();");
            L("}");
        }

        private void WriteOffers()
        {
            L("");
            L("private static bool Approves(Offer offer, Owner owner)");
            L("{");
            L("// Approval follows the reporting line: the owner or anyone above it.");
            L($"foreach (Owner superior in EscalationChain(owner))");
            L("{");
            L("if (ApprovesDirectly(offer, superior))");
            L("{");
            L("return true;");
            L("}");
            L("}");
            L("return false;");
            L("}");
            L("");
            L("private static bool ApprovesDirectly(Offer offer, Owner owner) => offer switch");
            L("{");
            foreach (OfferSymbol offer in _policy.Offers)
            {
                IReadOnlyList<OwnerSymbol> approvers = RuntimeRuleFacts.Approvers(offer);
                string condition = approvers.Count == 0 ? "false" : "owner is " + string.Join(" or ", approvers.Select(Owner));
                L($"{Offer(offer)} => {condition},");
            }

            L("_ => false,");
            L("};");

            L("");
            Doc("True when every owner accountable for the customer at the stage (the fallback owner when no accountable line gives one), or someone that owner reports to, sponsors or approves the offer, and at least one owner is accountable (nobody accountable means nobody approved).");
            L("public static bool IsApproved(Offer offer, Customer customer, Stage stage)");
            L("{");
            L($"{Sys}ArgumentNullException.ThrowIfNull(customer);");
            L("CheckRange((int)offer, OfferCount, \"offer\");");
            L("CheckRange((int)stage, StageCount, \"stage\");");
            L("bool any = false;");
            L("for (int i = 0; i < SegmentCount; i++)");
            L("{");
            L("if (!IsIn((Segment)i, customer) || ClaimedOwner(i, stage) is not { } owner)");
            L("{");
            L("continue;");
            L("}");
            L("if (!Approves(offer, owner))");
            L("{");
            L("return false;");
            L("}");
            L("any = true;");
            L("}");
            L("if (!any && Fallback is { } fallback && IsInAnySegment(customer))");
            L("{");
            L("return Approves(offer, fallback);");
            L("}");
            L("return any;");
            L("}");

            L("");
            Doc("True when the offer targets the customer at the stage: it runs at that stage and the customer is in one of its segments.");
            L("public static bool Targets(Offer offer, Customer customer, Stage stage)");
            L("{");
            L($"{Sys}ArgumentNullException.ThrowIfNull(customer);");
            L("CheckRange((int)stage, StageCount, \"stage\");");
            L("return offer switch");
            L("{");
            foreach (OfferSymbol offer in _policy.Offers)
            {
                string stages = offer.Stages.Length == _policy.Stages.Length
                    ? "true"
                    : offer.Stages.IsEmpty ? "false" : "stage is " + string.Join(" or ", offer.Stages.Select(Stage));
                string segments = offer.Segments.IsAll
                    ? "IsInAnySegment(customer)"
                    : offer.Segments.Listed.IsEmpty ? "false" : string.Join(" || ", offer.Segments.Listed.Distinct().Select(s => $"IsIn({Segment(s)}, customer)"));
                L($"{Offer(offer)} => ({stages}) && ({segments}),");
            }

            L($"_ => throw new {Sys}ArgumentOutOfRangeException(\"offer\", offer, \"Not an offer the policy declares.\"),");
            L("};");
            L("}");
        }

        private void WriteContactPolicy()
        {
            L("");
            Doc("The contact rules for the runtime library: every limit, channel capacity, cool-down, exempt category, offer, never rule, consent requirement and quiet period, each citing its line in the .owner file.");
            L($"public static {Runtime}ContactPolicy ContactPolicy {{ get; }} = new {Runtime}ContactPolicy(");
            L("PolicyName,");
            L("SourceFile,");
            L("limits: " + Array($"{Runtime}ContactLimit", _policy.Limits.Select(Limit)) + ",");
            var capacities = _policy.Channels
                .Where(c => c.Capacity is not null)
                .Select(c => $"new {Runtime}ChannelCapacity({String(c.Name)}, {Int(c.Capacity!.Amount)}, {Unit(c.Capacity.Period)}, {SourceLine(c.Syntax)})");
            L("capacities: " + Array($"{Runtime}ChannelCapacity", capacities) + ",");
            L("cooldowns: " + Array($"{Runtime}Cooldown", _policy.Cooldowns.Select(c => $"new {Runtime}Cooldown({Int(RuntimeRuleFacts.CooldownDays(c))}, {String(c.Event.Name)}, {SourceLine(c.Syntax)})")) + ",");
            L("exemptCategories: " + Array("string", RuntimeRuleFacts.ExemptCategories(_policy).Select(String)) + ",");
            L("offers: " + Array($"{Runtime}OfferDefinition", _policy.Offers.Select(o =>
                $"new {Runtime}OfferDefinition({String(o.Name)}, {String(o.Sponsor?.Name ?? "")}, {Int(o.Priority)}, {Int(o.Ordinal)}, {OneLineArray("string", o.Channels.Select(c => String(c.Name)))})")) + ",");
            // Every declared channel: the gate refuses any other channel name rather than letting it pass unchecked.
            L("channels: " + Array("string", _policy.Channels.Select(c => String(c.Name))) + (HasContactRulesV2 ? "," : ""));
            if (HasContactRulesV2)
            {
                // Only policies that use them name these arguments, so other policies' generated code is unchanged.
                L("exclusions: " + Array($"{Runtime}OfferExclusion", RuntimeRuleFacts.Exclusions(_policy).Select(Exclusion)) + ",");
                L("consents: " + Array($"{Runtime}ConsentRequirement", RuntimeRuleFacts.ConsentChannels(_policy)
                    .Select(c => $"new {Runtime}ConsentRequirement({String(c.Name)}, {SourceLine(c.Syntax)})")) + ",");
                L("quietPeriods: " + Array($"{Runtime}QuietPeriod", RuntimeRuleFacts.QuietPeriods(_policy).Select(Quiet)));
            }

            L(");");

            L("");
            Doc("The runtime definition of the offer (name, sponsor, priority, declaration order, channels).");
            L($"public static {Runtime}OfferDefinition DefinitionOf(Offer offer) => ContactPolicy.Offers[CheckRange((int)offer, OfferCount, \"offer\")];");
        }

        private bool HasContactRulesV2 =>
            RuntimeRuleFacts.Exclusions(_policy).Count > 0 || RuntimeRuleFacts.ConsentChannels(_policy).Count > 0 || RuntimeRuleFacts.QuietPeriods(_policy).Count > 0;

        private string Limit(LimitSymbol limit)
        {
            string scope = limit.Scope switch
            {
                LimitScope.Offers => $"{Runtime}LimitScope.Offers",
                LimitScope.Contacts => $"{Runtime}LimitScope.Contacts",
                LimitScope.Channel => $"{Runtime}LimitScope.Channel({String(limit.Target!.Name)})",
                LimitScope.Group => $"{Runtime}LimitScope.Group({String(limit.Target!.Name)}, {Names(limit.TargetOffers)})",
                _ => $"{Runtime}LimitScope.Offer({String(limit.Target!.Name)})",
            };
            var extras = new List<string>();
            if (limit.PerHousehold)
            {
                extras.Add("PerHousehold = true");
            }

            if (limit.InSegments is { } segments)
            {
                extras.Add("Segments = " + Names(segments));
            }

            if (limit.AtStages is { } stages)
            {
                extras.Add("Stages = " + Names(stages));
            }

            string initializer = extras.Count == 0 ? "" : $" {{ {string.Join(", ", extras)} }}";
            return $"new {Runtime}ContactLimit({scope}, {Int(limit.MaxCount)}, {Window(limit.Window.Count, limit.Window.Unit, limit.Window.Calendar)}, {SourceLine(limit.Syntax)}){initializer}";
        }

        private static string Window(int count, PeriodUnit unit, bool calendar) => $"new {Runtime}TimeWindow({Int(count)}, {Unit(unit)}, {Bool(calendar)})";

        private static string Names(IEnumerable<Symbol> symbols) => OneLineArray("string", symbols.Select(s => String(s.Name)));

        private string Exclusion(NeverSymbol never)
        {
            (int count, PeriodUnit unit) = RuntimeRuleFacts.ExclusionWindow(never);
            return $"new {Runtime}OfferExclusion({Names(never.FirstOffers)}, {Bool(never.IsAfter)}, {Names(never.SecondOffers)}, {Window(count, unit, false)}, "
                + $"{SourceLine(never.Syntax)}, {String(RuntimeRuleFacts.RuleText(_policy, never.Syntax))})";
        }

        private string Quiet(QuietSymbol quiet)
        {
            string hours = OneLineArray($"({Sys}TimeSpan, {Sys}TimeSpan)", quiet.Hours.Select(h => $"({Sys}TimeSpan.FromMinutes({Int(h.From)}), {Sys}TimeSpan.FromMinutes({Int(h.To)}))"));
            string days = OneLineArray($"{Sys}DayOfWeek", quiet.Days.Select(d => $"{Sys}DayOfWeek.{d}"));
            return $"new {Runtime}QuietPeriod({String(quiet.Channel!.Name)}, {hours}, {days}, {SourceLine(quiet.Syntax)}, {String(RuntimeRuleFacts.RuleText(_policy, quiet.Syntax))})";
        }

        private static string Unit(PeriodUnit unit) => $"{Runtime}TimeUnit.{unit}";

        /// <summary>An array expression: empty, on one line when short, else one item per line.</summary>
        private static string Array(string type, IEnumerable<string> items)
        {
            var list = items.ToList();
            if (list.Count == 0)
            {
                return $"{Sys}Array.Empty<{type}>()";
            }

            string oneLine = $"new {type}[] {{ {string.Join(", ", list)} }}";
            return oneLine.Length <= 100 ? oneLine : $"new {type}[]\n{{\n{string.Join(",\n", list)},\n}}";
        }

        private static string OneLineArray(string type, IEnumerable<string> items)
        {
            var list = items.ToList();
            return list.Count == 0 ? $"{Sys}Array.Empty<{type}>()" : $"new {type}[] {{ {string.Join(", ", list)} }}";
        }

        private void Separate(int index, int count)
        {
            if (index < count - 1)
            {
                L("");
            }
        }

        private void WriteGate()
        {
            L("");
            Doc("A contact gate for this policy over the ledger, with the host's clock and time zone (calendar windows and capacity periods follow the zone).");
            L($"public static {Runtime}ContactGate CreateGate({Runtime}IContactLedger ledger, {Sys}TimeProvider clock, {Sys}TimeZoneInfo zone) => new {Runtime}ContactGate(ContactPolicy, ledger, clock, zone);");

            L("");
            Doc("A contact request naming the channel and offer as the policy does.");
            L($"public static {Runtime}ContactRequest CreateRequest(string customerId, Channel channel, Offer? offer = null, string? category = null) => new {Runtime}ContactRequest(customerId, NameOf(channel), offer is {{ }} o ? NameOf(o) : null, category);");

            L("");
            Doc("A contact request that also carries what scoped and household limits and consent need: the customer's segments (computed from the record) and stage, the household id (null: a household of one) and the channels the customer consented to (empty: none; null: not known, so a contact on a channel that requires consent throws an ArgumentException naming the rule).");
            L($"public static {Runtime}ContactRequest CreateRequest(string customerId, Customer customer, Stage stage, Channel channel, Offer? offer = null, string? category = null, string? householdId = null, {Generic}IEnumerable<Channel>? consents = null) => CustomerRequest(customerId, customer, stage, householdId, consents) with {{ Channel = NameOf(channel), Offer = offer is {{ }} o ? NameOf(o) : null, Category = category }};");

            L("");
            Doc("The customer part of a request (id, segments, stage, household, consents); the gate or the caller sets the channel.");
            L($"private static {Runtime}ContactRequest CustomerRequest(string customerId, Customer customer, Stage stage, string? householdId, {Generic}IEnumerable<Channel>? consents)");
            L("{");
            L($"{Sys}ArgumentNullException.ThrowIfNull(customer);");
            L($"{Generic}List<string> segments = new {Generic}List<string>();");
            L("foreach (Segment segment in SegmentsOf(customer))");
            L("{");
            L("segments.Add(NameOf(segment));");
            L("}");
            // Null stays null: the host did not say, and a channel that requires consent refuses the
            // request (ArgumentException naming the rule) rather than reading it as "consented to nothing".
            L($"{Generic}List<string>? consented = null;");
            L("if (consents is not null)");
            L("{");
            L($"consented = new {Generic}List<string>();");
            L("foreach (Channel consent in consents)");
            L("{");
            L("consented.Add(NameOf(consent));");
            L("}");
            L("}");
            L($"return new {Runtime}ContactRequest(customerId, \"-\") {{ Segments = segments, Stage = NameOf(stage), HouseholdId = householdId, Consents = consented }};");
            L("}");

            L("");
            Doc("Ranks the offers that target the customer at the stage, one candidate per channel of each offer, with approval by the accountable owner computed from the policy (IsApproved); the gate excludes unapproved candidates and checks the rest against the contact rules without recording anything.");
            L($"public static {Generic}IReadOnlyList<{Runtime}RankedOffer> RankOffers({Runtime}ContactGate gate, string customerId, Customer customer, Stage stage, string? category = null) => RankOffers(gate, customerId, customer, stage, category, null, null);");

            L("");
            Doc("Ranks offers as RankOffers(gate, customerId, customer, stage, category) does, passing the household id and the channels the customer consented to (for household limits and channels that require consent).");
            L($"public static {Generic}IReadOnlyList<{Runtime}RankedOffer> RankOffers({Runtime}ContactGate gate, string customerId, Customer customer, Stage stage, string? category, string? householdId, {Generic}IEnumerable<Channel>? consents)");
            L("{");
            L($"{Sys}ArgumentNullException.ThrowIfNull(gate);");
            L($"{Sys}ArgumentNullException.ThrowIfNull(customer);");
            L("if (!object.ReferenceEquals(gate.Policy, ContactPolicy))");
            L("{");
            L($"throw new {Sys}ArgumentException(\"The gate was not created for this policy; use CreateGate.\", \"gate\");");
            L("}");
            L($"{Generic}List<{Runtime}OfferCandidate> candidates = new {Generic}List<{Runtime}OfferCandidate>();");
            L("for (int i = 0; i < OfferCount; i++)");
            L("{");
            L("Offer offer = (Offer)i;");
            L("if (!Targets(offer, customer, stage))");
            L("{");
            L("continue;");
            L("}");
            L("bool approved = IsApproved(offer, customer, stage);");
            L($"{Runtime}OfferDefinition definition = ContactPolicy.Offers[i];");
            L("foreach (string channel in definition.Channels)");
            L("{");
            L($"candidates.Add(new {Runtime}OfferCandidate(definition, channel, approved, category));");
            L("}");
            L("}");
            L("return gate.RankOffers(CustomerRequest(customerId, customer, stage, householdId, consents), candidates);");
            L("}");
        }

        private int _indent;

        /// <summary>
        /// Writes one line, indented by the braces and parentheses of the code lines before it
        /// (comment lines never change the indentation, so policy text in them cannot either).
        /// </summary>
        private void L(string line)
        {
            if (line.Length == 0)
            {
                _out.Append('\n');
                return;
            }

            if (line.Contains('\n'))
            {
                foreach (string part in line.Split('\n'))
                {
                    L(part);
                }

                return;
            }

            bool code = !line.StartsWith("//", StringComparison.Ordinal) && !line.StartsWith('#');
            if (code && (line[0] is '}' or ')'))
            {
                _indent--;
            }

            _out.Append(' ', 4 * _indent).Append(line).Append('\n');
            if (code && (line[^1] is '{' or '('))
            {
                _indent++;
            }
        }

        private void Doc(string summary, string? remarks = null)
        {
            DocElement("summary", summary);
            if (remarks is not null)
            {
                DocElement("remarks", remarks);
            }
        }

        private void DocMember(string summary, string? detail, SyntaxNode declaration)
        {
            DocElement("summary", summary);
            DocElement("remarks", (detail is null ? "" : detail + "\n") + $"Declared at {Where(declaration)}.");
        }

        private void DocElement(string element, string text)
        {
            IReadOnlyList<string> lines = DocLines(text);
            if (lines.Count == 1)
            {
                L($"/// <{element}>{lines[0]}</{element}>");
                return;
            }

            L($"/// <{element}>");
            foreach (string line in lines)
            {
                L("/// " + line);
            }

            L($"/// </{element}>");
        }

        private static string Escape(string text) => string.Join(" ", DocLines(text));
    }
}
