namespace AccountabilityDsl.Runtime;

/// <summary>
/// The one rule for texts stored in a ledger (customer ids, idempotency keys, channel, offer, category, household
/// and event names), applied alike by the gate and every ledger before anything is written.
/// </summary>
/// <remarks>
/// A text must be non-empty, not only white space, at most <see cref="MaxLength"/> UTF-16 code units, and well-formed
/// UTF-16 (no lone surrogate): storage that converts to UTF-8 would otherwise turn different keys into the same
/// U+FFFD text and take a new contact for a repeat.
/// </remarks>
public static class LedgerText
{
    /// <summary>The longest accepted text, in UTF-16 code units.</summary>
    public const int MaxLength = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> (naming <paramref name="what"/>) unless <paramref name="value"/> is a usable text.</summary>
    public static void Require(string? value, string what)
    {
        if (value is null)
        {
            throw new ArgumentNullException(what, $"The {what} is missing.");
        }
        if (Problem(value) is { } problem)
        {
            throw new ArgumentException($"The {what} {problem}.", what);
        }
    }

    /// <summary>Like <see cref="Require"/>, but null is allowed.</summary>
    public static void RequireOptional(string? value, string what)
    {
        if (value is not null)
        {
            Require(value, what);
        }
    }

    /// <summary>Why the text is refused, or null when it is fine.</summary>
    /// <remarks>Runs on every reservation: the common case (no surrogate, no leading white space) is two vectorised scans at most.</remarks>
    public static string? Problem(string value)
    {
        if (value.Length == 0)
        {
            return "is empty";
        }
        if (value.Length > MaxLength)
        {
            return $"is longer than {MaxLength} characters ({value.Length})";
        }
        if (char.IsWhiteSpace(value[0]) && string.IsNullOrWhiteSpace(value))
        {
            return "is only white space";
        }
        var span = value.AsSpan();
        var i = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0)
        {
            return null;
        }
        for (; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"contains a lone surrogate (U+{(int)c:X4}) at index {i}: it is not well-formed UTF-16";
            }
        }
        return null;
    }
}
