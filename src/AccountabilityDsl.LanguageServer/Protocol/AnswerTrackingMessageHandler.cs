using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace AccountabilityDsl.LanguageServer.Protocol;

/// <summary>
/// LSP framing (<c>Content-Length</c> headers) that also knows which requests the client is
/// still owed an answer for. A request counts as answered once its result or error has been
/// flushed to the output, not when its handler returns: <c>shutdown</c> and <c>exit</c> wait
/// for that, so that ending the process cannot cut an answer off (StreamJsonRpc's own
/// <see cref="JsonRpc.DispatchCompletion"/> ends before the answer is written).
/// </summary>
internal sealed class AnswerTrackingMessageHandler(Stream output, Stream input, IJsonRpcMessageFormatter formatter)
    : HeaderDelimitedMessageHandler(output, input, formatter)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<RequestId, (string Method, TaskCompletionSource Answered)> _unanswered = [];

    /// <summary>Answers written since the last flush: they reach the client with that flush.</summary>
    private readonly List<RequestId> _written = [];

    /// <summary>Completes once every request read so far whose method is not <paramref name="except"/> has been answered.</summary>
    public Task AnsweredAsync(string? except = null)
    {
        lock (_gate)
        {
            return Task.WhenAll(_unanswered.Values.Where(r => r.Method != except).Select(r => r.Answered.Task));
        }
    }

    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        JsonRpcMessage? message = await base.ReadCoreAsync(cancellationToken).ConfigureAwait(false);
        if (message is JsonRpcRequest { IsResponseExpected: true, Method: { } method } request)
        {
            lock (_gate)
            {
                // A client that reuses the id of a request still open gets both answers; waiting for the first is enough.
                _unanswered.TryAdd(request.RequestId, (method, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
            }
        }

        return message;
    }

    protected override void Write(JsonRpcMessage content, CancellationToken cancellationToken)
    {
        base.Write(content, cancellationToken);
        if (content is JsonRpcResult or JsonRpcError && content is IJsonRpcMessageWithId { RequestId: var id })
        {
            lock (_gate)
            {
                _written.Add(id);
            }
        }
    }

    protected override async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        // StreamJsonRpc writes and flushes one message at a time, so what was written is what this flush sends.
        await base.FlushAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            foreach (RequestId id in _written)
            {
                if (_unanswered.Remove(id, out var request))
                {
                    request.Answered.TrySetResult();
                }
            }

            _written.Clear();
        }
    }
}
