using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AccountabilityDsl.Serve.Operations;

/// <summary>
/// A request that fails after it was understood (the ledger's storage failed) is answered with
/// 503 problem details and logged; never a stack trace. The gate has already counted and logged
/// a ledger failure (ObservedContactGate).
/// </summary>
internal sealed partial class DecisionFailureMiddleware(RequestDelegate next, ILogger<DecisionFailureMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (ArgumentException e) when (!context.Response.HasStarted)
        {
            // A value the request reader let through but the runtime refuses: still the caller's mistake.
            context.Response.Clear();
            await Results.Problem(detail: e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid").ExecuteAsync(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            Failed(logger, e, context.Request.Method, context.Request.Path);
            context.Response.Clear();
            await Results.Problem(
                detail: "the decision could not be made: the contact ledger did not answer; nothing was recorded, retry",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Decision unavailable").ExecuteAsync(context);
        }
    }

    [LoggerMessage(EventId = 3001, EventName = "RequestFailed", Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void Failed(ILogger logger, Exception exception, string method, string path);
}
