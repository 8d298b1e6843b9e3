using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AccountabilityDsl.Serve.Api;

/// <summary>
/// RFC 9457 problem details for every refusal: a title, a detail sentence and, for a bad request,
/// <c>field</c> (the JSON path of the first field at fault) and <c>errors</c> (every field's message).
/// </summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(IReadOnlyList<KeyValuePair<string, string>> errors) =>
        TypedResults.Problem(
            detail: errors[0].Value,
            statusCode: StatusCodes.Status400BadRequest,
            title: "The request is not valid",
            extensions: new Dictionary<string, object?>
            {
                ["field"] = errors[0].Key,
                ["errors"] = errors.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Select(e => e.Value).ToArray()),
            });

    public static ProblemHttpResult BadRequest(string field, string message) => BadRequest([new(field, message)]);

    public static ProblemHttpResult Status(int status, string title, string detail, string? field = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title,
            extensions: field is null ? null : new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult UnknownPolicy(string name, IEnumerable<string> served) =>
        TypedResults.Problem(
            detail: $"no policy named '{name}' is served{DidYouMean(name, served)} (served: {string.Join(", ", served.Order(StringComparer.Ordinal))})",
            statusCode: StatusCodes.Status404NotFound,
            title: "Unknown policy",
            extensions: new Dictionary<string, object?> { ["field"] = "policy" });

    /// <summary>"; did you mean 'X'?" for the closest candidate, or nothing.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates) =>
        AccountabilityDsl.Text.SpellingSuggestion.Closest(name, candidates) is { } closest ? $"; did you mean '{closest}'?" : "";
}
