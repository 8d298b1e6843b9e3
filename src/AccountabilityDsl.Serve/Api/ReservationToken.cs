using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace AccountabilityDsl.Serve.Api;

/// <summary>
/// The reservation string handed to clients: the customer, the idempotency key and the ledger's
/// reservation id (a key reserved again after its hold expired gets a new id, and a stale string
/// then settles nothing), in URL-safe base64 behind a version prefix. It names no policy version,
/// so a reservation made before a reload commits after it.
/// </summary>
internal static class ReservationToken
{
    private const string Prefix = "r2.";
    private const char Separator = '\u001f'; // ids never contain control characters (RequestFields refuses them)

    public static string Encode(string customerId, string idempotencyKey, long reservationId) =>
        Prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            customerId + Separator + idempotencyKey + Separator + reservationId.ToString(CultureInfo.InvariantCulture)));

    public static bool TryDecode(string token, out string customerId, out string idempotencyKey, out long reservationId)
    {
        customerId = idempotencyKey = "";
        reservationId = 0;
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

        string[] parts = text.Split(Separator);
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out reservationId))
        {
            return false;
        }

        customerId = parts[0];
        idempotencyKey = parts[1];
        return true;
    }
}
