using System.Text.Json;
using AccountabilityDsl.Binding;
using AccountabilityDsl.Explain;
using AccountabilityDsl.Syntax;

namespace AccountabilityDsl.Serve.Api;

/// <summary>
/// A customer from JSON: every attribute of the policy, typed as the policy declares it (a
/// number for int and decimal, true/false for bool, a member name for enum), and the assigned
/// segment where the policy has assigned segments. Each mistake names its field
/// (<c>customer.assets</c>, <c>segment</c>).
/// </summary>
internal static class CustomerReader
{
    public static CustomerValues? Read(RequestFields fields, JsonElement? customer, string? segmentName, BoundPolicy policy)
    {
        int before = fields.Errors.Count;
        var values = new decimal[policy.Attributes.Length];
        var seen = new HashSet<AttributeSymbol>();
        if (customer is { } properties)
        {
            foreach (JsonProperty property in properties.EnumerateObject())
            {
                string field = "customer." + property.Name;
                AttributeSymbol? attribute = policy.Attributes.FirstOrDefault(a => a.Name == property.Name);
                if (attribute is null)
                {
                    fields.Error(field, $"policy {policy.Name} has no attribute '{property.Name}'{Problems.DidYouMean(property.Name, policy.Attributes.Select(a => a.Name))} (attributes: {string.Join(", ", policy.Attributes.Select(a => a.Name))})");
                    continue;
                }

                seen.Add(attribute);
                if (Value(attribute, property.Value, out string? error) is { } value)
                {
                    values[attribute.Ordinal] = value;
                }
                else
                {
                    fields.Error(field, error!);
                }
            }

            foreach (AttributeSymbol missing in policy.Attributes.Where(a => !seen.Contains(a)))
            {
                fields.Error("customer." + missing.Name, $"'customer.{missing.Name}' is required ({missing.TypeDisplay}); the customer needs a value for every attribute");
            }
        }

        SegmentSymbol? assigned = null;
        var assignable = policy.Segments.Where(s => s.IsAssigned).Select(s => s.Name).ToList();
        if (segmentName is not null)
        {
            if (assignable.Count == 0)
            {
                fields.Error("segment", $"policy {policy.Name} has no assigned segments (all its segments have a 'where' predicate); leave 'segment' out");
            }
            else if ((assigned = policy.Segments.FirstOrDefault(s => s.IsAssigned && s.Name == segmentName)) is null)
            {
                fields.Error("segment", $"'{segmentName}' is not an assigned segment of policy {policy.Name}{Problems.DidYouMean(segmentName, assignable)} (assigned segments: {string.Join(", ", assignable)})");
            }
        }
        else if (assignable.Count > 0 && customer is not null)
        {
            fields.Error("segment", $"policy {policy.Name} has assigned segments; say which one the customer is in with 'segment' ({string.Join(", ", assignable)})");
        }

        return fields.Errors.Count == before && customer is not null ? new CustomerValues(values, assigned, customer.Value.GetRawText()) : null;
    }

    private static decimal? Value(AttributeSymbol attribute, JsonElement value, out string? error)
    {
        error = null;
        string field = "customer." + attribute.Name;
        switch (attribute.Type)
        {
            case AttributeKind.Bool when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                return value.ValueKind == JsonValueKind.True ? 1 : 0;
            case AttributeKind.Bool:
                error = $"'{field}' is a bool: true or false, not {RequestFields.Describe(value)}";
                return null;
            case AttributeKind.Enum when value.ValueKind == JsonValueKind.String:
                // ValueEquals compares without decoding: an unpaired surrogate is just no member.
                for (int i = 0; i < attribute.Members.Length; i++)
                {
                    if (value.ValueEquals(attribute.Members[i]))
                    {
                        return i;
                    }
                }

                error = $"'{field}' is one of {string.Join(", ", attribute.Members)}, not {value.GetRawText()}";
                return null;
            case AttributeKind.Enum:
                error = $"'{field}' is one of {string.Join(", ", attribute.Members)} (a string), not {RequestFields.Describe(value)}";
                return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out decimal number))
        {
            error = $"'{field}' is {(attribute.Type == AttributeKind.Int ? "an int" : "a decimal")}: a JSON number, not {RequestFields.Describe(value)}";
            return null;
        }

        if (attribute.Type == AttributeKind.Int && (number != decimal.Truncate(number) || number is < int.MinValue or > int.MaxValue))
        {
            error = $"'{field}' is an int: a whole number from {int.MinValue} to {int.MaxValue}";
            return null;
        }

        return number;
    }
}
