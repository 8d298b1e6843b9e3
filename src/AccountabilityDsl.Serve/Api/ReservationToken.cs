using System.Buffers.Text;
using System.Text;

namespace AccountabilityDsl.Serve.Api;

/// <summary>
/// The reservation string handed to clients: the customer and the idempotency key, which is all
/// the ledger needs to commit or release, in URL-safe base64 behind a version prefix. It names
/// no policy version, so a reservation made before a reload commits after it.
/// </summary>
internal static class ReservationToken
{
    private const string Prefix = "r1.";
    private const char Separator = '\u001f'; // ids never contain control characters (RequestFields refuses them)

    public static string Encode(string customerId, string idempotencyKey) =>
        Prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(customerId + Separator + idempotencyKey));

    public static bool TryDecode(string token, out string customerId, out string idempotencyKey)
    {
        customerId = idempotencyKey = "";
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(Prefix.Length)));
        }
        catch (FormatException)
        {
            return false;
        }

        int separator = text.IndexOf(Separator);
        if (separator <= 0 || separator == text.Length - 1)
        {
            return false;
        }

        customerId = text[..separator];
        idempotencyKey = text[(separator + 1)..];
        return true;
    }
}
