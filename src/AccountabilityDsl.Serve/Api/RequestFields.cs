using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace AccountabilityDsl.Serve.Api;

/// <summary>
/// Reads a JSON request body field by field, collecting one message per field at fault (unknown
/// fields, wrong types, missing keys, values out of range), so that a bad request is answered
/// with every mistake named and nothing is done with it.
/// </summary>
internal sealed class RequestFields
{
    private readonly JsonElement _root;
    private readonly List<KeyValuePair<string, string>> _errors = [];

    private RequestFields(JsonElement root, IReadOnlyCollection<string> allowed)
    {
        _root = root;
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                Error(property.Name, $"'{property.Name}' is not a field of this request (fields: {string.Join(", ", allowed)})");
            }
        }
    }

    public bool HasErrors => _errors.Count > 0;

    public IReadOnlyList<KeyValuePair<string, string>> Errors => _errors;

    public void Error(string field, string message) => _errors.Add(new(field, message));

    /// <summary>
    /// Reads the body (JSON, at most <paramref name="limit"/> bytes) as an object with the allowed
    /// fields; returns the fields, or the problem to answer with.
    /// </summary>
    public static async ValueTask<(RequestFields? Fields, IResult? Problem)> ReadAsync(HttpContext context, int limit, params string[] allowed)
    {
        HttpRequest request = context.Request;
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !type.Contains("+json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", $"the body must be JSON (Content-Type: application/json), not {type}"));
        }

        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 4096));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        return (null, TooLarge(limit));
                    }

                    byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read;
                try
                {
                    read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted);
                }
                catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    return (null, TooLarge(limit));
                }

                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    return (null, TooLarge(limit));
                }
            }

            if (length == 0)
            {
                return (null, Problems.BadRequest("$", "the request needs a JSON object body"));
            }

            JsonElement root;
            try
            {
                using JsonDocument document = JsonDocument.Parse(buffer.AsMemory(0, length), new JsonDocumentOptions { MaxDepth = 16 });
                root = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                return (null, Problems.BadRequest("$", $"the body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})"));
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, Problems.BadRequest("$", $"the body must be a JSON object, not {Describe(root)}"));
            }

            return (new RequestFields(root, allowed), null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IResult TooLarge(int limit) =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"the body must be at most {limit} bytes");

    /// <summary>A string field; null when absent (an error when <paramref name="required"/>) or of the wrong type.</summary>
    public string? String(string name, bool required, int maxLength = 256)
    {
        if (!_root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Error(name, $"'{name}' is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(name, $"'{name}' must be a string, not {Describe(value)}");
            return null;
        }

        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to decode an escaped unpaired surrogate.
            Error(name, $"'{name}' must not contain control characters or unpaired surrogates");
            return null;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            Error(name, $"'{name}' must not be empty or blank");
            return null;
        }

        if (text.Length > maxLength)
        {
            Error(name, $"'{name}' must be at most {maxLength} characters");
            return null;
        }

        if (text.Any(char.IsControl) || !IsWellFormed(text))
        {
            Error(name, $"'{name}' must not contain control characters or unpaired surrogates");
            return null;
        }

        return text;
    }

    /// <summary>An optional number field within [min, max].</summary>
    public double? Number(string name, double min, double max)
    {
        if (!_root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number))
        {
            Error(name, $"'{name}' must be a number, not {Describe(value)}");
            return null;
        }

        if (number < min || number > max)
        {
            Error(name, $"'{name}' must be from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        return number;
    }

    /// <summary>An optional RFC 3339 time with an offset.</summary>
    public DateTimeOffset? Time(string name)
    {
        string? text = String(name, required: false, maxLength: 64);
        if (text is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset at)
            || !(text.EndsWith('Z') || text.Length > 6 && text[^3] == ':' && text[^6] is '+' or '-'))
        {
            Error(name, $"'{name}' must be a time such as 2027-03-01T09:00:00Z (with Z or an offset), not '{text}'");
            return null;
        }

        return at;
    }

    /// <summary>True when the body has the field with a non-null value.</summary>
    public bool Has(string name) => _root.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>An object field; null when absent (an error unless <paramref name="required"/> is false) or of the wrong type.</summary>
    public JsonElement? Object(string name, bool required = true)
    {
        if (!_root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Error(name, $"'{name}' is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Error(name, $"'{name}' must be an object, not {Describe(value)}");
            return null;
        }

        return value;
    }

    /// <summary>
    /// An optional array of names, each one of <paramref name="known"/> (<paramref name="what"/> says what they
    /// are, e.g. "a channel"); null when absent or at fault. An empty array is a value: "none".
    /// </summary>
    public IReadOnlyList<string>? Names(string name, IReadOnlyCollection<string> known, string what)
    {
        if (!_root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(name, $"'{name}' must be an array of strings, not {Describe(value)}");
            return null;
        }

        var names = new List<string>();
        int before = _errors.Count;
        int index = 0;
        foreach (JsonElement item in value.EnumerateArray())
        {
            string field = $"{name}[{index++}]";
            if (item.ValueKind != JsonValueKind.String)
            {
                Error(field, $"'{field}' must be a string, not {Describe(item)}");
                continue;
            }

            // ValueEquals compares without decoding: an unpaired surrogate is just no name.
            if (known.FirstOrDefault(k => item.ValueEquals(k)) is { } match)
            {
                if (!names.Contains(match))
                {
                    names.Add(match);
                }
            }
            else
            {
                string text = item.GetRawText();
                Error(field, $"{text} is not {what}{Problems.DidYouMean(text.Trim('"'), known)} ({string.Join(", ", known)})");
            }
        }

        return _errors.Count == before ? names : null;
    }

    private static bool IsWellFormed(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
