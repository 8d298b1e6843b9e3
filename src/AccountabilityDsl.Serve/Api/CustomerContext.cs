using System.Text.Json;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Explain;
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Runtime.Compiled;

namespace AccountabilityDsl.Serve.Api;

/// <summary>
/// What a contact request says about its customer, for the rules that need it: the customer's
/// attributes (<c>customer</c>, from which the policy computes the segments, as
/// <c>/accountable</c> does) or the segments themselves (<c>segments</c>), the <c>stage</c>, the
/// <c>householdId</c> (absent: a household of one) and the channels the customer consented to
/// (<c>consents</c>; absent is "not said", <c>[]</c> is "none"). Each mistake names its field.
/// </summary>
internal sealed record CustomerContext(CustomerValues? Customer, IReadOnlyList<string>? Segments, StageSymbol? Stage, string? HouseholdId, IReadOnlyList<string>? Consents)
{
    /// <summary>The fields of a check or reserve request this reads.</summary>
    public static readonly string[] ContactFields = ["customer", "segment", "segments", "stage", "householdId", "consents"];

    /// <summary>The fields of a rank request this reads besides customer, segment and stage, which ranking always needs.</summary>
    public static readonly string[] RankFields = ["householdId", "consents"];

    public static CustomerContext Read(RequestFields fields, CompiledPolicy compiled, bool forRanking)
    {
        BoundPolicy bound = compiled.Policy;
        JsonElement? json = fields.Object("customer", required: forRanking);
        string? segment = fields.String("segment", required: false);
        StageSymbol? stage = ReadStage(fields, bound, required: forRanking);
        CustomerValues? customer = null;
        if (json is not null)
        {
            customer = CustomerReader.Read(fields, json, segment, bound);
        }
        else if (segment is not null && !fields.Has("customer"))
        {
            fields.Error("segment", "'segment' (the assigned segment) goes with 'customer'; without a customer record, list the customer's segments in 'segments'");
        }

        IReadOnlyList<string>? segments = forRanking ? null : fields.Names("segments", [.. bound.Segments.Select(s => s.Name)], $"a segment of policy {bound.Name}");
        if (segments is not null && fields.Has("customer"))
        {
            fields.Error("segments", "give 'customer' or 'segments', not both: the policy computes a customer's segments from the attributes");
        }

        string? household = fields.String("householdId", required: false);
        IReadOnlyList<string>? consents = fields.Names("consents", [.. bound.Channels.Select(c => c.Name)], $"a channel of policy {bound.Name}");
        if (customer is not null)
        {
            segments = [.. compiled.SegmentsOf(customer).Select(s => s.Name)];
        }

        return new CustomerContext(customer, segments, stage, household, consents);
    }

    /// <summary>The request carrying this customer's segments, stage, household and consents.</summary>
    public ContactRequest ApplyTo(ContactRequest request) =>
        request with { Segments = Segments, Stage = Stage?.Name, HouseholdId = HouseholdId, Consents = Consents };

    /// <summary>
    /// Names, as field errors, what the rules that apply to the request need and the request lacks: the consents
    /// on a channel that requires consent, the segments (or customer) and stage for a limit scoped by them. The
    /// gate would refuse such a request; answering 400 with the field and the rule's line says what to send.
    /// </summary>
    public static void RequireWhatRulesNeed(RequestFields fields, ContactPolicy policy, ContactRequest request)
    {
        if (request.Category is { } category && policy.ExemptCategories.Contains(category, StringComparer.Ordinal))
        {
            return;
        }

        if (request.Consents is null && policy.Consents.FirstOrDefault(c => c.Channel == request.Channel) is { } consent)
        {
            fields.Error("consents", $"'consents' is required: {consent.Description} ({consent.Source}); list the channels the customer consented to ([] for none)");
        }

        var applicable = policy.Limits.Where(l => l.Scope.Matches(request.Channel, request.Offer)).ToList();
        if (request.Segments is null && applicable.FirstOrDefault(l => l.Segments is not null) is { } bySegment)
        {
            fields.Error("segments", $"'customer' or 'segments' is required: the limit '{bySegment.Description}' ({bySegment.Source}) applies only to customers in {string.Join(", ", bySegment.Segments!)}");
        }

        if (request.Stage is null && applicable.FirstOrDefault(l => l.Stages is not null) is { } byStage)
        {
            fields.Error("stage", $"'stage' is required: the limit '{byStage.Description}' ({byStage.Source}) applies only at {string.Join(", ", byStage.Stages!)}");
        }
    }

    /// <summary>For ranking, which tries every channel: the consents, when any channel requires consent.</summary>
    public void RequireConsentsForRanking(RequestFields fields, ContactPolicy policy)
    {
        if (Consents is null && policy.Consents.FirstOrDefault() is { } consent)
        {
            fields.Error("consents", $"'consents' is required: {consent.Description} ({consent.Source}); list the channels the customer consented to ([] for none)");
        }
    }

    public static StageSymbol? ReadStage(RequestFields fields, BoundPolicy policy, bool required)
    {
        string? name = fields.String("stage", required);
        if (name is null)
        {
            return null;
        }

        StageSymbol? stage = policy.Stages.FirstOrDefault(s => s.Name == name);
        if (stage is null)
        {
            var stages = policy.Stages.Select(s => s.Name).ToList();
            fields.Error("stage", $"'{name}' is not a stage of policy {policy.Name}{Problems.DidYouMean(name, stages)} (stages: {string.Join(", ", stages)})");
        }

        return stage;
    }
}
