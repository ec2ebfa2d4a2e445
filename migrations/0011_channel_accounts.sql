ALTER TYPE "public"."channel_kind" ADD VALUE 'cloud_api';--> statement-breakpoint
ALTER TYPE "public"."channel_kind" ADD VALUE 'twilio';--> statement-breakpoint
CREATE TABLE "channel_accounts" (
	"number_id" uuid PRIMARY KEY NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secrets" "bytea" NOT NULL,
	"key_id" text NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "channel_accounts" ADD CONSTRAINT "channel_accounts_number_id_numbers_id_fk" FOREIGN KEY ("number_id") REFERENCES "public"."numbers"("id") ON DELETE cascade ON UPDATE no action;