using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace AccountabilityDsl.Syntax;

/// <summary>
/// Every node of a tree, found through the node records' own properties (a child is a property
/// of a <see cref="SyntaxNode"/> type, or an immutable array of them), so a node kind added to
/// the grammar is walked without changing this class. Used to tell which file a node of a
/// several-file policy belongs to, and by editors to find the node at a position.
/// </summary>
public static class SyntaxWalk
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> ChildProperties = new();

    /// <summary>The tree's declarations and everything inside them, parents before children.</summary>
    public static IEnumerable<SyntaxNode> DescendantNodes(this SyntaxTree tree)
    {
        var pending = new Stack<SyntaxNode>();
        for (int i = tree.Declarations.Length - 1; i >= 0; i--)
        {
            pending.Push(tree.Declarations[i]);
        }

        while (pending.Count > 0)
        {
            SyntaxNode node = pending.Pop();
            yield return node;
            List<SyntaxNode> children = ChildrenOf(node);
            for (int i = children.Count - 1; i >= 0; i--)
            {
                pending.Push(children[i]);
            }
        }
    }

    private static List<SyntaxNode> ChildrenOf(SyntaxNode node)
    {
        var children = new List<SyntaxNode>();
        // SyntaxNode keeps its public properties through trimming (its annotation), so this
        // reflection also works in the native ownerc.
        Type type = node.GetType();
        if (!ChildProperties.TryGetValue(type, out PropertyInfo[]? properties))
        {
            properties = ChildProperties.GetOrAdd(type, Children(type));
        }

        foreach (PropertyInfo property in properties)
        {
            switch (property.GetValue(node))
            {
                case SyntaxNode child:
                    children.Add(child);
                    break;
                case IEnumerable many:
                    AddAll(children, many);
                    break;
            }
        }

        return children;
    }

    private static void AddAll(List<SyntaxNode> children, IEnumerable many)
    {
        try
        {
            children.AddRange(many.OfType<SyntaxNode>());
        }
        catch (InvalidOperationException)
        {
            // A default (uninitialised) immutable array throws when enumerated: nothing to walk.
            // (Asking its IsDefault would take reflection over a type trimming may strip.)
        }
    }

    private static PropertyInfo[] Children([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0
                && (typeof(SyntaxNode).IsAssignableFrom(p.PropertyType)
                    || (p.PropertyType.IsGenericType && p.PropertyType.GetGenericArguments() is [var item] && typeof(SyntaxNode).IsAssignableFrom(item)
                        && typeof(IEnumerable).IsAssignableFrom(p.PropertyType))))];
}
