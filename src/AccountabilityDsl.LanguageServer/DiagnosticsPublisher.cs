using System.Threading.Channels;
using AccountabilityDsl.LanguageServer.Features;
using AccountabilityDsl.LanguageServer.Workspace;
using Lsp = AccountabilityDsl.LanguageServer.Protocol;

namespace AccountabilityDsl.LanguageServer;

/// <summary>
/// Compiles documents and publishes their diagnostics off the message loop. Edits are
/// debounced: a document that changes is queued, and after <see cref="Delay"/> without a newer
/// change the latest text is compiled once; bursts of typing coalesce into one compile. A
/// compile that finished for a text the editor has since replaced is not published.
/// </summary>
internal sealed class DiagnosticsPublisher
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly PolicyWorkspace _workspace;
    private readonly Func<Lsp.PublishDiagnosticsParams, Task> _publish;
    private readonly Action<string> _log;

    public DiagnosticsPublisher(PolicyWorkspace workspace, TimeSpan delay, Func<Lsp.PublishDiagnosticsParams, Task> publish, Action<string> log)
    {
        _workspace = workspace;
        Delay = delay;
        _publish = publish;
        _log = log;
    }

    public TimeSpan Delay { get; }

    public void Enqueue(string uri) => _queue.Writer.TryWrite(uri);

    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync(CancellationToken cancellation)
    {
        var dirty = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellation).ConfigureAwait(false))
            {
                // Wait for the typing to pause: every change that arrives meanwhile joins this batch.
                do
                {
                    while (_queue.Reader.TryRead(out string? uri))
                    {
                        dirty.Add(uri);
                    }

                    if (Delay > TimeSpan.Zero)
                    {
                        await Task.Delay(Delay, cancellation).ConfigureAwait(false);
                    }
                }
                while (_queue.Reader.TryPeek(out _));

                foreach (string uri in dirty)
                {
                    await PublishAsync(uri).ConfigureAwait(false);
                }

                dirty.Clear();
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
    }

    private async Task PublishAsync(string uri)
    {
        try
        {
            DocumentState? state = _workspace.Get(uri);
            if (state is null)
            {
                await _publish(new Lsp.PublishDiagnosticsParams(uri, null, [])).ConfigureAwait(false);
                return;
            }

            DocumentAnalysis analysis = state.Analysis;
            if (!ReferenceEquals(_workspace.Get(uri), state))
            {
                return; // Edited meanwhile: the newer text is queued already.
            }

            await _publish(new Lsp.PublishDiagnosticsParams(uri, state.Version, DiagnosticConverter.Convert(analysis))).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One document the compiler fails on must not stop diagnostics for the others.
            _log($"could not compute diagnostics for {uri}: {e.GetType().Name}: {e.Message}");
        }
    }
}
