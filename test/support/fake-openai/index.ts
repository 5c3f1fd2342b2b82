export {
  apiError,
  chatCompletion,
  estimateTokens,
  type FakeChatCompletion,
  type FakeUsage,
} from './completion.ts';
export { type ChatMessageLike, echoExtracted, extractedItemsOf, messageText } from './default-responder.ts';
export {
  type FakeCompletionReply,
  type FakeHttpReply,
  FakeOpenAi,
  type FakeOpenAiOptions,
  type FakeReply,
  type FakeScript,
  type RecordedChatRequest,
  startFakeOpenAi,
} from './server.ts';
