using System.Collections.Immutable;
using AccountabilityDsl.Analysis;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Syntax;
using Microsoft.CodeAnalysis.CSharp;
using static AccountabilityDsl.Emit.CodeWriter;
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

    /// <summary>
    /// Writes the class: its header, constants, enums and customer record, the predicates
    /// (<see cref="PredicateEmitter"/>), the contact policy (<see cref="ContactPolicyEmitter"/>), the
    /// tables of the runtime's <c>PolicyModel</c>, and the public members, each calling the model.
    /// </summary>
    private sealed class Writer
    {
        private readonly BoundPolicy _policy;
        private readonly string _className;
        private readonly string _namespace;
        private readonly string _file;
        private readonly GeneratedNames _names;
        private readonly AccountabilityMap _map;
        private readonly CodeWriter _code = new();

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
        }

        private string Where(SyntaxNode node) => $"{RuntimeRuleFacts.SourceFileOf(_policy, node)}:{_policy.LineOf(node)}";

        private void L(string line) => _code.Line(line);

        private void Doc(string summary, string? remarks = null) => _code.Doc(summary, remarks);

        private void DocMember(string summary, string? detail, SyntaxNode declaration) =>
            _code.Doc(summary, (detail is null ? "" : detail + "\n") + $"Declared at {Where(declaration)}.");

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
            var predicates = new PredicateEmitter(_policy, _names, _code);
            predicates.WriteMembership();
            predicates.WriteTargeting();
            new ContactPolicyEmitter(_policy, _code).Write();
            WriteModel();
            WriteNames();
            WriteAccountability();
            WriteOffers();
            L("}");
            return _code.ToString();
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
            L($"public const int SegmentCount = {_names.Segments.Count};");
            L("");
            Doc("The number of lifecycle stages.");
            L($"public const int StageCount = {_names.Stages.Count};");
            L("");
            Doc("The number of owners.");
            L($"public const int OwnerCount = {_names.Owners.Count};");
            L("");
            Doc("The number of channels.");
            L($"public const int ChannelCount = {_names.Channels.Count};");
            L("");
            Doc("The number of offers.");
            L($"public const int OfferCount = {_names.Offers.Count};");
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
                L($"{Identifier(_names.Segments[segment.Ordinal])} = {segment.Ordinal},");
                _code.Separate(segment.Ordinal, _names.Segments.Count);
            }

            L("}");
            L("");
            Doc("The customer lifecycle stages, in order.");
            L("public enum Stage");
            L("{");
            foreach (StageSymbol stage in _policy.Stages)
            {
                DocMember($"Stage {stage.Name}.", null, stage.Declaration);
                L($"{Identifier(_names.Stages[stage.Ordinal])} = {stage.Ordinal},");
                _code.Separate(stage.Ordinal, _names.Stages.Count);
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
                L($"{Identifier(_names.Owners[i])} = {i},");
                _code.Separate(i, _names.Owners.Count);
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
                L($"{Identifier(_names.Channels[i])} = {i},");
                _code.Separate(i, _names.Channels.Count);
            }

            L("}");
            L("");
            Doc("The offers (promotions), in declaration order.");
            L("public enum Offer");
            L("{");
            foreach (OfferSymbol offer in _policy.Offers)
            {
                DocMember($"Offer {offer.Name}, sponsored by {offer.Sponsor?.Name}.", OneLine(_policy.TextOf(offer.Syntax)), offer.Syntax);
                L($"{Identifier(_names.Offers[offer.Ordinal])} = {offer.Ordinal},");
                _code.Separate(offer.Ordinal, _names.Offers.Count);
            }

            L("}");

            foreach (AttributeSymbol attribute in _policy.Attributes.Where(a => a.Type == AttributeKind.Enum))
            {
                L("");
                Doc($"The values of the attribute {attribute.Name}.", $"Declared at {Where(attribute.Declaration)}.");
                L($"public enum {Identifier(_names.EnumType(attribute))}");
                L("{");
                IReadOnlyList<string> members = _names.AttributeMembers(attribute);
                for (int i = 0; i < members.Count; i++)
                {
                    Doc($"{attribute.Name} = {attribute.Members[i]}.");
                    L($"{Identifier(members[i])} = {i},");
                    _code.Separate(i, members.Count);
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

        /// <summary>
        /// The private field holding the runtime's <c>PolicyModel</c> over this policy's names,
        /// predicates and tables: everything the public members do the same way in every policy.
        /// </summary>
        private void WriteModel()
        {
            L("");
            L("// What every generated class does the same way, in the runtime library, over this policy's");
            L("// names, predicates and tables. After ContactPolicy: static fields initialise in order.");
            L($"private static readonly {Runtime}PolicyModel<Segment, Stage, Owner, Channel, Offer, Customer> {GeneratedNames.ModelField} = new(");
            L("ContactPolicy,");
            L("segmentNames: " + ArrayOf("string", _policy.Segments.Select(s => String(s.Name))) + ",");
            L("stageNames: " + ArrayOf("string", _policy.Stages.Select(s => String(s.Name))) + ",");
            L("ownerNames: " + ArrayOf("string", _policy.Owners.Select(s => String(s.Name))) + ",");
            L("isIn: IsIn,");
            L("targets: Targets,");
            L("// The owner an accountable line gives each (segment, stage) cell, as the checker resolves it:");
            L("// 0 = nobody, else owner + 1. One row per segment, one column per stage.");
            if (_policy.Segments.IsEmpty || _policy.Stages.IsEmpty)
            {
                L($"accountable: {Sys}Array.Empty<int>(),");
            }
            else
            {
                L("accountable: new int[]");
                L("{");
                foreach (SegmentSymbol segment in _policy.Segments)
                {
                    var cells = _policy.Stages.Select(stage => _map.OwnerOf(segment, stage) is { } o ? _names.OwnerIndex(o) + 1 : 0);
                    L($"{string.Join(", ", cells)},");
                }

                L("},");
            }

            L($"fallback: {(_policy.Fallback is { } f ? _names.Owner(f) : "null")},");
            L("// The owner each owner reports to, + 1; 0 = nobody.");
            L("reportsTo: " + OneLineArrayOf("int", _policy.Owners.Select(o => Int(o.ReportsTo is { } superior ? _names.OwnerIndex(superior) + 1 : 0))) + ",");
            L("// The owners that approve each offer directly: its sponsor, then its 'approved by' list.");
            L("approvers: " + ArrayOf("Owner[]", _policy.Offers.Select(o => OneLineArrayOf("Owner", RuntimeRuleFacts.Approvers(o).Select(_names.Owner)))));
            L(");");
        }

        private void Member(string summary, string declaration, string body)
        {
            L("");
            Doc(summary);
            L($"{declaration} => {body};");
        }

        private void WriteNames()
        {
            foreach ((string type, string parameter) in new[] { ("Segment", "segment"), ("Stage", "stage"), ("Owner", "owner"), ("Channel", "channel"), ("Offer", "offer") })
            {
                Member($"The {parameter}'s name as written in the policy (the runtime library identifies {parameter}s by these names).",
                    $"public static string NameOf({type} {parameter})", $"{GeneratedNames.ModelField}.{type}Name({parameter})");
            }

            Member("The segments the customer is in, in declaration order (predicate segments may overlap).",
                $"public static {Generic}IReadOnlyList<Segment> SegmentsOf(Customer customer)", $"{GeneratedNames.ModelField}.SegmentsOf(customer)");
        }

        private void WriteAccountability()
        {
            string model = GeneratedNames.ModelField;
            Member("The fallback owner: accountable for the customers no accountable line gives an owner; null when the policy names none.",
                "public static Owner? Fallback", $"{model}.Fallback");
            Member("The owner accountable for the segment at the stage: the owner its accountable line names, or else the fallback owner (see IsFromFallback), or null when there is neither (a vacuum the checker reports as OWN0101). A table lookup: no allocation.",
                "public static Owner? AccountableFor(Segment segment, Stage stage)", $"{model}.AccountableFor(segment, stage)");
            Member("True when no accountable line claims the cell and its owner is the fallback owner (the checker lists such cells as OWN0106).",
                "public static bool IsFromFallback(Segment segment, Stage stage)", $"{model}.IsFromFallback(segment, stage)");
            Member("True when the customer is in some segment but no accountable line gives them an owner at the stage, so their owner is the fallback owner.",
                "public static bool IsOwnedThroughFallback(Customer customer, Stage stage)", $"{model}.IsOwnedThroughFallback(customer, stage)");
            Member("The owner this owner reports to (its 'reports to' line), or null for an owner at the top.",
                "public static Owner? ReportsTo(Owner owner)", $"{model}.ReportsTo(owner)");
            Member("The owner followed by everyone it reports to, directly or not, up to the top: the line an escalation follows.",
                $"public static {Generic}IReadOnlyList<Owner> EscalationChain(Owner owner)", $"{model}.EscalationChain(owner)");
            Member("The distinct owners accountable at the stage for the segments the customer is in, in segment order, or the fallback owner when none of those segments has one. One owner is the rule; none is a vacuum (OWN0101); more than one is an overlap conflict the checker reports as OWN0104. Allocates only for more than one owner.",
                $"public static {Generic}IReadOnlyList<Owner> AccountableFor(Customer customer, Stage stage)", $"{model}.AccountableFor(customer, stage)");
            Member("The single owner accountable for the customer at the stage; null when nobody is, or when the customer's segments have different owners (see AccountableFor(Customer, Stage)).",
                "public static Owner? AccountableOwner(Customer customer, Stage stage)", $"{model}.AccountableOwner(customer, stage)");
        }

        private void WriteOffers()
        {
            string model = GeneratedNames.ModelField;
            Member("True when every owner accountable for the customer at the stage (the fallback owner when no accountable line gives one), or someone that owner reports to, sponsors or approves the offer, and at least one owner is accountable (nobody accountable means nobody approved).",
                "public static bool IsApproved(Offer offer, Customer customer, Stage stage)", $"{model}.IsApproved(offer, customer, stage)");
            Member("The runtime definition of the offer (name, sponsor, priority, declaration order, channels).",
                $"public static {Runtime}OfferDefinition DefinitionOf(Offer offer)", $"{model}.DefinitionOf(offer)");
            Member("A contact gate for this policy over the ledger, with the host's clock and time zone (calendar windows and capacity periods follow the zone).",
                $"public static {Runtime}ContactGate CreateGate({Runtime}IContactLedger ledger, {Sys}TimeProvider clock, {Sys}TimeZoneInfo zone)", $"{model}.CreateGate(ledger, clock, zone)");
            Member("A contact request naming the channel and offer as the policy does.",
                $"public static {Runtime}ContactRequest CreateRequest(string customerId, Channel channel, Offer? offer = null, string? category = null)",
                $"{model}.CreateRequest(customerId, channel, offer, category)");
            Member("A contact request that also carries what scoped and household limits and consent need: the customer's segments (computed from the record) and stage, the household id (null: a household of one) and the channels the customer consented to (empty: none; null: not known, so a contact on a channel that requires consent throws an ArgumentException naming the rule).",
                $"public static {Runtime}ContactRequest CreateRequest(string customerId, Customer customer, Stage stage, Channel channel, Offer? offer = null, string? category = null, string? householdId = null, {Generic}IEnumerable<Channel>? consents = null)",
                $"{model}.CreateRequest(customerId, customer, stage, channel, offer, category, householdId, consents)");
            Member("Ranks the offers that target the customer at the stage, one candidate per channel of each offer, with approval by the accountable owner computed from the policy (IsApproved); the gate excludes unapproved candidates and checks the rest against the contact rules without recording anything.",
                $"public static {Generic}IReadOnlyList<{Runtime}RankedOffer> RankOffers({Runtime}ContactGate gate, string customerId, Customer customer, Stage stage, string? category = null)",
                $"{model}.RankOffers(gate, customerId, customer, stage, category, null, null)");
            Member("Ranks offers as RankOffers(gate, customerId, customer, stage, category) does, passing the household id and the channels the customer consented to (for household limits and channels that require consent).",
                $"public static {Generic}IReadOnlyList<{Runtime}RankedOffer> RankOffers({Runtime}ContactGate gate, string customerId, Customer customer, Stage stage, string? category, string? householdId, {Generic}IEnumerable<Channel>? consents)",
                $"{model}.RankOffers(gate, customerId, customer, stage, category, householdId, consents)");
        }

        private static string Escape(string text) => string.Join(" ", DocLines(text));
    }
}
