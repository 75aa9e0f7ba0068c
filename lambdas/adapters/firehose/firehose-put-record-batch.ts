import { PutRecordBatchCommand, type FirehoseClient } from '@aws-sdk/client-firehose';

/** Firehose's answer to PutRecordBatch: per record, in order, an id or an error code. */
export interface PutRecordBatchAnswer {
  FailedPutCount?: number | undefined;
  RequestResponses?: ReadonlyArray<{ RecordId?: string | undefined; ErrorCode?: string | undefined; ErrorMessage?: string | undefined }> | undefined;
}

/** Puts records (each one object's bytes) into a delivery stream in one call. */
export type PutRecordBatch = (streamName: string, records: readonly Uint8Array[]) => Promise<PutRecordBatchAnswer>;

/** PutRecordBatch on the AWS SDK's Firehose client (its signing and JSON protocol). */
export function firehosePutRecordBatch(client: FirehoseClient): PutRecordBatch {
  return (streamName, records) =>
    client.send(new PutRecordBatchCommand({ DeliveryStreamName: streamName, Records: records.map((Data) => ({ Data })) }));
}
