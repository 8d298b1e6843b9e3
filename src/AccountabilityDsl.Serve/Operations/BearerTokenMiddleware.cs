using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace AccountabilityDsl.Serve.Operations;

/// <summary>
/// With a token configured, every <c>/v1</c> request must carry <c>Authorization: Bearer &lt;token&gt;</c>;
/// others get 401 problem details. The comparison takes the same time whatever the guess (both
/// sides are hashed to a fixed length, then compared with <see cref="CryptographicOperations.FixedTimeEquals"/>).
/// Health, readiness, metrics and the OpenAPI document stay open for probes and scrapers.
/// </summary>
internal sealed class BearerTokenMiddleware(RequestDelegate next, byte[] tokenHash)
{
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
        {
            return next(context);
        }

        string? header = context.Request.Headers.Authorization;
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Hash(header["Bearer ".Length..].Trim()), tokenHash))
        {
            return next(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(
            detail: header is null ? "this service needs 'Authorization: Bearer <token>'" : "the bearer token is not the service's token",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized").ExecuteAsync(context);
    }
}
