using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AccountabilityDsl.LanguageServer.Protocol;

// The parts of the Language Server Protocol 3.17 this server speaks, as plain records. Property
// names are the protocol's (camelCase through the serializer options); optional members are null
// and left out of the JSON. Only what a request or notification here reads or writes is modelled.

public sealed record Position(int Line, int Character);

public sealed record Range(Position Start, Position End);

public sealed record Location(string Uri, Range Range);

public sealed record TextDocumentIdentifier(string Uri);

public sealed record VersionedTextDocumentIdentifier(string Uri, int Version);

public sealed record TextDocumentItem(string Uri, string LanguageId, int Version, string Text);

public sealed record TextDocumentPositionParams(TextDocumentIdentifier TextDocument, Position Position);

public sealed record WorkspaceFolder(string Uri, string Name);

public sealed record InitializeParams(int? ProcessId, string? RootUri, string? RootPath, WorkspaceFolder[]? WorkspaceFolders, JsonElement? Capabilities);

public sealed record InitializeResult(ServerCapabilities Capabilities, ServerInfo ServerInfo);

public sealed record ServerInfo(string Name, string Version);

public sealed record ServerCapabilities(
    string PositionEncoding,
    TextDocumentSyncOptions TextDocumentSync,
    bool HoverProvider,
    bool DefinitionProvider,
    bool ReferencesProvider,
    bool DocumentSymbolProvider,
    bool WorkspaceSymbolProvider,
    RenameOptions RenameProvider,
    CompletionOptions CompletionProvider,
    CodeActionOptions CodeActionProvider,
    bool DocumentFormattingProvider,
    SemanticTokensOptions SemanticTokensProvider);

public sealed record TextDocumentSyncOptions(bool OpenClose, TextDocumentSyncKind Change, SaveOptions Save);

public sealed record SaveOptions(bool IncludeText);

public enum TextDocumentSyncKind { None = 0, Full = 1, Incremental = 2 }

public sealed record RenameOptions(bool PrepareProvider);

public sealed record CompletionOptions(string[] TriggerCharacters);

public sealed record CodeActionOptions(string[] CodeActionKinds);

public sealed record SemanticTokensOptions(SemanticTokensLegend Legend, bool Full);

public sealed record SemanticTokensLegend(string[] TokenTypes, string[] TokenModifiers);

public sealed record DidOpenTextDocumentParams(TextDocumentItem TextDocument);

public sealed record TextDocumentContentChangeEvent(Range? Range, string Text);

public sealed record DidChangeTextDocumentParams(VersionedTextDocumentIdentifier TextDocument, TextDocumentContentChangeEvent[] ContentChanges);

public sealed record DidCloseTextDocumentParams(TextDocumentIdentifier TextDocument);

public sealed record DidSaveTextDocumentParams(TextDocumentIdentifier TextDocument, string? Text);

public sealed record FileEvent(string Uri, int Type);

public sealed record DidChangeWatchedFilesParams(FileEvent[] Changes);

// ---- Diagnostics ----------------------------------------------------------------------------

public enum DiagnosticSeverity { Error = 1, Warning = 2, Information = 3, Hint = 4 }

public sealed record CodeDescription(string Href);

public sealed record DiagnosticRelatedInformation(Location Location, string Message);

public sealed record Diagnostic(
    Range Range,
    DiagnosticSeverity Severity,
    string Code,
    CodeDescription? CodeDescription,
    string Source,
    string Message,
    DiagnosticRelatedInformation[]? RelatedInformation);

public sealed record PublishDiagnosticsParams(string Uri, int? Version, Diagnostic[] Diagnostics);

// ---- Language features ----------------------------------------------------------------------

public sealed record MarkupContent(string Kind, string Value);

public sealed record Hover(MarkupContent Contents, Range? Range);

public sealed record ReferenceContext(bool IncludeDeclaration);

public sealed record ReferenceParams(TextDocumentIdentifier TextDocument, Position Position, ReferenceContext Context);

public sealed record DocumentSymbolParams(TextDocumentIdentifier TextDocument);

public enum SymbolKind
{
    File = 1, Module = 2, Namespace = 3, Package = 4, Class = 5, Method = 6, Property = 7, Field = 8, Constructor = 9,
    Enum = 10, Interface = 11, Function = 12, Variable = 13, Constant = 14, String = 15, Number = 16, Boolean = 17,
    Array = 18, Object = 19, Key = 20, Null = 21, EnumMember = 22, Struct = 23, Event = 24, Operator = 25, TypeParameter = 26,
}

public sealed record DocumentSymbol(string Name, string? Detail, SymbolKind Kind, Range Range, Range SelectionRange, DocumentSymbol[]? Children);

public sealed record WorkspaceSymbolParams(string Query);

public sealed record SymbolInformation(string Name, SymbolKind Kind, Location Location, string? ContainerName);

public sealed record RenameParams(TextDocumentIdentifier TextDocument, Position Position, string NewName);

public sealed record PrepareRenameResult(Range Range, string Placeholder);

public sealed record TextEdit(Range Range, string NewText);

public sealed record WorkspaceEdit(Dictionary<string, TextEdit[]> Changes);

public sealed record CompletionParams(TextDocumentIdentifier TextDocument, Position Position, JsonElement? Context);

public enum CompletionItemKind
{
    Text = 1, Method = 2, Function = 3, Constructor = 4, Field = 5, Variable = 6, Class = 7, Interface = 8, Module = 9,
    Property = 10, Unit = 11, Value = 12, Enum = 13, Keyword = 14, Snippet = 15, Color = 16, File = 17, Reference = 18,
    Folder = 19, EnumMember = 20, Constant = 21, Struct = 22, Event = 23, Operator = 24, TypeParameter = 25,
}

public sealed record CompletionItem(string Label, CompletionItemKind Kind, string? Detail, string? SortText);

public sealed record CompletionList(bool IsIncomplete, CompletionItem[] Items);

public sealed record CodeActionContext(Diagnostic[] Diagnostics, string[]? Only);

public sealed record CodeActionParams(TextDocumentIdentifier TextDocument, Range Range, CodeActionContext Context);

public sealed record CodeAction(string Title, string Kind, Diagnostic[]? Diagnostics, bool? IsPreferred, WorkspaceEdit Edit);

public sealed record FormattingOptions(int TabSize, bool InsertSpaces);

public sealed record DocumentFormattingParams(TextDocumentIdentifier TextDocument, FormattingOptions? Options);

public sealed record SemanticTokensParams(TextDocumentIdentifier TextDocument);

public sealed record SemanticTokens(int[] Data);

public sealed record ShowMessageParams(MessageType Type, string Message);

public enum MessageType { Error = 1, Warning = 2, Info = 3, Log = 4 }

/// <summary>The serializer options every message goes through.</summary>
public static class ProtocolJson
{
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        return options;
    }

    /// <summary>Turns a value into the JSON the protocol carries, for results typed as a union.</summary>
    public static JsonNode? ToNode<T>(T value, JsonSerializerOptions options) => JsonSerializer.SerializeToNode(value, options);
}
